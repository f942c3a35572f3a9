from datetime import date, timedelta
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.utils import timezone
from factory.django import DjangoModelFactory

from clinic.models import User
from clinic.roles import Role
from patients.models import Contraindication, Patient, PatientCondition
from treatments.models import Formulation, FormulationLine, Indication, Ingredient, Unit


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


class IngredientFactory(DjangoModelFactory):
    """An ingredient outside the seeded catalogue (the catalogue itself comes with the migrations)."""

    class Meta:
        model = Ingredient
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Test ingredient {n}")
    category = Ingredient.Category.OTHER
    unit = Unit.MG


class FormulationFactory(DjangoModelFactory):
    """A clinic template, or a patient's own cocktail when given `patient`. `ingredients`
    names catalogue ingredients: one line each, at the typical amount (or 1) in its own unit."""

    class Meta:
        model = Formulation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Cocktail {n}")
    indication = Indication.REJUVENATION
    patient = None
    total_volume_ml = Decimal(2)
    created_by = factory.SubFactory(UserFactory, role=Role.DERMATOLOGIST)

    @factory.post_generation
    def ingredients(formulation, create, names, **kwargs):
        if create and names:
            for name in names:
                FormulationLineFactory(formulation=formulation, ingredient=Ingredient.objects.get(name=name))


class FormulationLineFactory(DjangoModelFactory):
    class Meta:
        model = FormulationLine

    formulation = factory.SubFactory(FormulationFactory)
    ingredient = factory.LazyFunction(lambda: Ingredient.objects.get(name="Zinc"))
    amount = factory.LazyAttribute(lambda line: line.ingredient.typical_amount or Decimal(1))
    unit = factory.LazyAttribute(lambda line: line.ingredient.unit)


class PatientConditionFactory(DjangoModelFactory):
    """A contraindication on a patient's record, by its catalogue name; ongoing unless given `ended_on`."""

    class Meta:
        model = PatientCondition

    class Params:
        named = "Pregnancy or breastfeeding"

    patient = factory.SubFactory(PatientFactory)
    contraindication = factory.LazyAttribute(lambda condition: Contraindication.objects.get(name=condition.named))
    started_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=400))
    ended_on = None
    recorded_by = factory.SubFactory(UserFactory, role=Role.DERMATOLOGIST)
