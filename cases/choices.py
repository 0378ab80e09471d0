"""Enumerations of the API contract (../shared/API.md); values never change without a version bump."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TransportMode(models.TextChoices):
    AIR_PASSENGER = "air_passenger", _("Air passenger")
    AIR_CARGO = "air_cargo", _("Air cargo")
    EXPRESS_COURIER = "express_courier", _("Express courier")
    POSTAL = "postal", _("Postal")
    SEA_CONTAINER = "sea_container", _("Sea container")
    SEA_VESSEL = "sea_vessel", _("Sea vessel")
    LAND_VEHICLE = "land_vehicle", _("Land vehicle")
    RAIL = "rail", _("Rail")
    PEDESTRIAN = "pedestrian", _("Pedestrian")
    OTHER = "other", _("Other")


class DetectionMethod(models.TextChoices):
    XRAY = "xray", _("X-ray")
    DETECTOR_DOG = "detector_dog", _("Detector dog")
    RISK_PROFILING = "risk_profiling", _("Risk profiling")
    INTELLIGENCE = "intelligence", _("Intelligence")
    PHYSICAL_SEARCH = "physical_search", _("Physical search")
    DOCUMENT_CHECK = "document_check", _("Document check")
    RANDOM = "random", _("Random")
    OTHER = "other", _("Other")


class Drug(models.TextChoices):
    METHAMPHETAMINE = "methamphetamine", _("Methamphetamine")
    HEROIN = "heroin", _("Heroin")
    COCAINE = "cocaine", _("Cocaine")
    CANNABIS = "cannabis", _("Cannabis")
    KETAMINE = "ketamine", _("Ketamine")
    MDMA = "mdma", _("MDMA")
    OPIUM = "opium", _("Opium")
    NPS = "nps", _("New psychoactive substance")
    PRECURSOR = "precursor", _("Precursor")
    OTHER = "other", _("Other")


class Unit(models.TextChoices):
    KG = "kg", _("kg")
    G = "g", _("g")
    TABLET = "tablet", _("tablets")
    L = "l", _("litres")
    ML = "ml", _("millilitres")


class SeizureStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    VERIFIED = "verified", _("Verified")


class Sharing(models.TextChoices):
    AGENCY = "agency", _("Own agency only")
    OPERATION = "operation", _("Joint operation participants")
    MEMBERS = "members", _("All member agencies")


class IdentifierKind(models.TextChoices):
    CONTAINER = "container", _("Container number")
    BILL_OF_LADING = "bill_of_lading", _("Bill of lading")
    AIR_WAYBILL = "air_waybill", _("Air waybill")
    FLIGHT = "flight", _("Flight number")
    VESSEL_IMO = "vessel_imo", _("Vessel IMO number")
    VEHICLE_PLATE = "vehicle_plate", _("Vehicle plate")
    PARCEL_TRACKING = "parcel_tracking", _("Parcel tracking number")
    PASSPORT = "passport", _("Passport number")
    PHONE = "phone", _("Phone number")
    COMPANY = "company", _("Company name")


class PersonRole(models.TextChoices):
    COURIER = "courier", _("Courier")
    CONSIGNEE = "consignee", _("Consignee")
    SHIPPER = "shipper", _("Shipper")
    SENDER = "sender", _("Sender")
    RECIPIENT = "recipient", _("Recipient")
    OTHER = "other", _("Other")


class Sex(models.TextChoices):
    M = "m", _("Male")
    F = "f", _("Female")
    X = "x", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class OperationStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class ParticipantRole(models.TextChoices):
    LEAD = "lead", _("Lead")
    PARTICIPANT = "participant", _("Participant")
    OBSERVER = "observer", _("Observer")


class ParticipantStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class AssignmentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class AlertKind(models.TextChoices):
    SEIZURE_NOTICE = "seizure_notice", _("Seizure notice")
    OPERATION_INVITE = "operation_invite", _("Operation invitation")
    ASSIGNMENT = "assignment", _("Assignment")
    LOOKOUT = "lookout", _("Lookout")
    PRE_ARRIVAL = "pre_arrival", _("Pre-arrival notice")
    CONTROLLED_DELIVERY = "controlled_delivery", _("Controlled delivery request")
    MATCH = "match", _("Cross-agency match")
    MESSAGE = "message", _("Message")
    LOOKOUT_HIT = "lookout_hit", _("Lookout hit")
    DECONFLICTION = "deconfliction", _("Deconfliction")


MANUAL_ALERT_KINDS = (AlertKind.LOOKOUT, AlertKind.PRE_ARRIVAL, AlertKind.CONTROLLED_DELIVERY)


class Priority(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    URGENT = "urgent", _("Urgent")
    FLASH = "flash", _("Flash")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    FAILED = "failed", _("Failed")
