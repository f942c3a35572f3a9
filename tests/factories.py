from datetime import date, datetime, time, timedelta
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.utils import timezone
from factory.django import DjangoModelFactory

from clinic.models import User
from clinic.roles import Role
from consents import gate
from consents.models import ConsentForm, ConsentSignature, ConsentVersion, IntakeResponse
from patients.models import Contraindication, Patient, PatientCondition
from scheduling.models import Appointment, Room, TimeOff, WorkingHours
from treatments import plans
from treatments.models import (
    Formulation,
    FormulationLine,
    Indication,
    Ingredient,
    Product,
    TreatmentArea,
    TreatmentPlan,
    TreatmentSession,
    Unit,
)
from treatments.plans import AreaVolume, create_plan
from treatments.records import AdministeredArea, Lot
from workday.visits import record_visit


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


class ProductFactory(DjangoModelFactory):
    """A product of the catalogue, found again by its name; `ingredients` names what it
    contains (catalogue ingredients)."""

    class Meta:
        model = Product
        django_get_or_create = ["name"]
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Test product {n}")

    @factory.post_generation
    def ingredients(product, create, names, **kwargs) -> None:
        if names:
            product.ingredients.set(Ingredient.objects.filter(name__in=names))


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


class TreatmentPlanFactory(factory.Factory):
    """A course planned through treatments.plans.create_plan, as the plan form does: four
    fortnightly sessions (7 to 28 days apart) on the face, starting today, with a clinic
    template of zinc that becomes the patient's own copy. Refusals raise as create_plan does."""

    class Meta:
        model = TreatmentPlan

    patient = factory.SubFactory(PatientFactory)
    created_by = factory.SubFactory(UserFactory, role=Role.DERMATOLOGIST)
    formulation = factory.SubFactory(
        FormulationFactory, ingredients=["Zinc"], created_by=factory.SelfAttribute("..created_by")
    )
    areas = factory.LazyFunction(lambda: [AreaVolume(TreatmentArea.objects.get(name="Face"), Decimal(2))])
    start_date = factory.LazyFunction(timezone.localdate)
    sessions_planned = 4
    interval_days = 14
    min_days = 7
    max_days = 28

    @classmethod
    def _create(cls, model_class, sessions_done: int = 0, ready: bool = True, **kwargs) -> TreatmentPlan:
        """`sessions_done` first sessions are recorded now, by the course's prescriber. The
        patient signed the consents the course needs and answered the questionnaire a month
        before it starts, unless `ready=False`."""
        plan = create_plan(**kwargs)
        if ready:
            make_ready(plan, on=plan.start_date)
        for session in plan.sessions.order_by("number")[:sessions_done]:
            record_visit_of(session, by=plan.prescriber)
        return plan


def record_visit_of(
    session: TreatmentSession,
    *,
    by: User,
    done_at: datetime | None = None,
    lot_number: str = "LOT-1",
    expiry: date | None = None,
    practitioner: User | None = None,
    product: str = "HA vial",
    **extra,
) -> TreatmentSession:
    """Record `session` as its page does: done now by `by`, each planned area at its planned
    volume, one hyaluronic acid vial (or `product`) that expires in 300 days (a lot already
    registered keeps its own expiry)."""
    plan = session.plan
    make_ready(plan, on=timezone.localdate(done_at or timezone.now()))
    product_row = ProductFactory(name=product)
    if expiry is None and not product_row.lots.of_lot(lot_number).exists():
        expiry = timezone.localdate() + timedelta(days=300)
    return record_visit(
        session=session,
        done_at=done_at or timezone.now(),
        practitioner=practitioner or by,
        formulation=plan.formulation,
        areas=[AdministeredArea(a.area, a.volume_ml, a.area.technique) for a in plan.areas.select_related("area")],
        lots=[Lot(product_row, lot_number, expiry)],
        recorded_by=by,
        **extra,
    )


class ConsentFormFactory(DjangoModelFactory):
    """A treatment consent form for every course, valid until withdrawn, with its first
    version published (`version__…` to change it)."""

    class Meta:
        model = ConsentForm
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Treatment consent {n}")
    purpose = ConsentForm.Purpose.TREATMENT
    validity = ConsentForm.Validity.ONCE

    @factory.post_generation
    def version(form, create, extracted, **kwargs):
        if create and extracted is not False:
            ConsentVersionFactory(form=form, **kwargs)


class ConsentVersionFactory(DjangoModelFactory):
    class Meta:
        model = ConsentVersion

    form = factory.SubFactory(ConsentFormFactory, version=False)
    number = factory.LazyAttribute(lambda v: v.form.versions.count() + 1)
    title_en = "Consent to mesotherapy"
    title_fr = "Consentement à la mésothérapie"
    body_en = "I agree to be treated."
    body_fr = "J'accepte d'être traitée."
    requires_new_signature = True
    published_by = factory.SubFactory(UserFactory, is_staff=True)


class ConsentSignatureFactory(DjangoModelFactory):
    """A paper consent recorded by the desk, signed yesterday, of the form's current version."""

    class Meta:
        model = ConsentSignature

    class Params:
        form = factory.SubFactory(ConsentFormFactory)

    patient = factory.SubFactory(PatientFactory)
    version = factory.LazyAttribute(lambda s: s.form.current_version())
    language = "en"
    text_sha256 = "0" * 64
    method = ConsentSignature.Method.PAPER
    channel = ConsentSignature.Channel.PAPER
    signed_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    recorded_by = factory.SubFactory(UserFactory, role=Role.FRONT_DESK)


class IntakeResponseFactory(DjangoModelFactory):
    """A full questionnaire answered yesterday with no to every question."""

    class Meta:
        model = IntakeResponse

    patient = factory.SubFactory(PatientFactory)
    kind = IntakeResponse.Kind.FULL
    answers = factory.LazyFunction(dict)
    language = "en"
    channel = ConsentSignature.Channel.PAPER
    answered_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    recorded_by = factory.SubFactory(UserFactory, role=Role.FRONT_DESK)


def make_ready(course: TreatmentPlan, *, on: date) -> None:
    """What the gate asks before a session of `course` on `on`, made a month before: a paper
    signature of each form still to sign and a questionnaire, when missing."""
    before = timezone.make_aware(datetime.combine(on - timedelta(days=30), time(9)))
    for missing in gate.missing(course.patient, course=course, on=on):
        if missing.kind == gate.Missing.CONSENT:
            ConsentSignatureFactory(patient=course.patient, form=missing.form, course=course, signed_at=before)
        else:
            IntakeResponseFactory(patient=course.patient, answered_at=before)


def next_tuesday_at_ten() -> datetime:
    """Ten o'clock, clinic time, on the first Tuesday after today: on the grid and bookable."""
    today = timezone.localdate()
    tuesday = today + timedelta(days=(1 - today.weekday()) % 7 or 7)
    return timezone.make_aware(datetime.combine(tuesday, time(10)))


class RoomFactory(DjangoModelFactory):
    class Meta:
        model = Room
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Treatment room {n}")


class WorkingHoursFactory(DjangoModelFactory):
    """A dermatologist working from 09:00 to 18:00 on Mondays unless told otherwise."""

    class Meta:
        model = WorkingHours

    practitioner = factory.SubFactory(UserFactory, role=Role.DERMATOLOGIST)
    weekday = WorkingHours.Weekday.MONDAY
    start = time(9)
    end = time(18)


class TimeOffFactory(DjangoModelFactory):
    """The whole clinic closed for an hour from next Tuesday at ten, unless given a practitioner or a room."""

    class Meta:
        model = TimeOff

    practitioner = None
    room = None
    start = factory.LazyFunction(next_tuesday_at_ten)
    end = factory.LazyAttribute(lambda away: away.start + timedelta(hours=1))
    reason = "Training"


class AppointmentFactory(DjangoModelFactory):
    """A booked half hour written straight to the table (no booking checks): next Tuesday at ten."""

    class Meta:
        model = Appointment
        skip_postgeneration_save = True

    patient = factory.SubFactory(PatientFactory)
    practitioner = factory.SubFactory(UserFactory, role=Role.DERMATOLOGIST)
    room = factory.SubFactory(RoomFactory)
    start = factory.LazyFunction(next_tuesday_at_ten)
    end = factory.LazyAttribute(lambda a: a.start + timedelta(minutes=30))
    booked_by = factory.SubFactory(UserFactory, role=Role.FRONT_DESK)

    @factory.post_generation
    def books_its_session(appointment, create, extracted, **kwargs):
        # As booking does: a live appointment for a course session marks the session booked.
        if create and appointment.session_id and appointment.is_live:
            plans.mark_booked(
                session=appointment.session, start=appointment.start, practitioner=appointment.practitioner
            )
