from datetime import date

import factory
from django.contrib.auth.models import Group
from factory.django import DjangoModelFactory

from clinic.models import User
from patients.models import Patient


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def role(user, create, role_name, **kwargs):
        if create and role_name:
            user.groups.add(Group.objects.get(name=role_name))


class PatientFactory(DjangoModelFactory):
    class Meta:
        model = Patient

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = factory.Faker("date_between", start_date=date(1950, 1, 1), end_date=date(2004, 12, 31))
    sex = Patient.Sex.FEMALE
    phone = factory.Sequence(
        lambda n: f"06 {n // 1000000 % 100:02d} {n // 10000 % 100:02d} {n // 100 % 100:02d} {n % 100:02d}"
    )
    email = factory.LazyAttribute(lambda p: f"{p.first_name}.{p.last_name}@example.org".lower().replace(" ", ""))
    address = factory.Faker("address")
