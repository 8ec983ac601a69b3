"""The registry of audit actions: every event the audit log may hold, with its label.

Every call to :func:`samverkan.core.audit.record` names one of these actions, so the log
has one vocabulary, named ``object.verb`` (the object acted on, a dot, what was done to it),
and the audit log page can say in Swedish what each row means. Writing an action that is
not registered raises: a new kind of event is added here, with its label, first.

The audit log is append-only, so rows written under an earlier name keep it. ``ALIASES``
maps each earlier name to the current action: the page shows such a row with the current
label, and filtering by an action finds the rows under its earlier names too.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    """The audit actions (``object.verb``) and their Swedish labels."""

    # Sign-in and accounts
    USER_SIGN_IN = "user.sign_in", _("Inloggning")
    USER_SIGN_IN_SSO = "user.sign_in_sso", _("Inloggning med single sign-on")
    USER_SIGN_OUT = "user.sign_out", _("Utloggning")
    SIGN_IN_FAIL = "sign_in.fail", _("Misslyckad inloggning")
    USER_LOCK_OUT = "user.lock_out", _("Konto spärrat efter för många försök")
    USER_UNLOCK = "user.unlock", _("Spärr hävd")
    SESSION_EXPIRE = "session.expire", _("Sessionen löpte ut")
    USER_CHANGE_PASSWORD = "user.change_password", _("Lösenord bytt")
    TWO_FACTOR_ENROL = "two_factor.enrol", _("Autentiseringsapp registrerad")
    TWO_FACTOR_FAIL = "two_factor.fail", _("Fel tvåstegskod")
    TWO_FACTOR_RESET = "two_factor.reset", _("Tvåstegsverifiering återställd")
    RECOVERY_CODE_USE = "recovery_code.use", _("Reservkod använd")
    RECOVERY_CODES_RENEW = "recovery_codes.renew", _("Nya reservkoder")
    PASSKEY_ENROL = "passkey.enrol", _("Nyckel (passkey) registrerad")
    PASSKEY_REMOVE = "passkey.remove", _("Nyckel (passkey) borttagen")
    PASSKEY_RENAME = "passkey.rename", _("Nyckel (passkey) omdöpt")
    PASSKEY_USE = "passkey.use", _("Nyckel (passkey) använd")
    API_TOKEN_CREATE = "api_token.create", _("API-nyckel skapad")
    API_TOKEN_DELETE = "api_token.delete", _("API-nyckel borttagen")
    ORGANISATION_SET_TWO_FACTOR_POLICY = (
        "organisation.set_two_factor_policy",
        _("Krav på tvåstegsverifiering ändrat"),
    )
    USER_CREATE = "user.create", _("Användare skapad")
    USER_DELETE = "user.delete", _("Användare borttagen")
    USER_CHANGE_PRIVILEGES = "user.change_privileges", _("Användarens behörigheter ändrade")
    MEMBERSHIP_GRANT = "membership.grant", _("Roll tilldelad")
    MEMBERSHIP_REVOKE = "membership.revoke", _("Roll återkallad")
    MEMBERSHIP_CHANGE = "membership.change", _("Roll ändrad")
    SYSTEM_RESTORE = "system.restore", _("Säkerhetskopia återställd")
    TEXT_REMASK = "text.remask", _("Sparad fritext maskerad på nytt")

    # Areas
    AREA_IMPORT = "area.import", _("Områden importerade")
    OWN_AREA_CREATE = "own_area.create", _("Eget område skapat")
    OWN_AREA_UPDATE = "own_area.update", _("Eget område ändrat")
    OWN_AREA_DELETE = "own_area.delete", _("Eget område borttaget")

    # Residents' safety walk (samverkan/citizens)
    CITIZEN_OBSERVATION_SUBMIT = "citizen_observation.submit", _("Trygghetsobservation inskickad")
    CITIZEN_OBSERVATION_ACCEPT = "citizen_observation.accept", _("Trygghetsobservation godtagen")
    CITIZEN_OBSERVATION_MERGE = (
        "citizen_observation.merge",
        _("Trygghetsobservation sammanförd med rapport"),
    )
    CITIZEN_OBSERVATION_REJECT = "citizen_observation.reject", _("Trygghetsobservation avvisad")
    CITIZEN_OBSERVATION_ANSWER = "citizen_observation.answer", _("Svar skickat till invånare")
    CITIZEN_CONTACT_PURGE = "citizen_contact.purge", _("Invånares e-postadresser raderade")
    CITIZEN_CONCERNS_UPDATE = "citizen_concerns.update", _("Otrygghetsorsaker ändrade")

    # Partners' resources per area and month (samverkan/resources)
    RESOURCE_ENTRY_CREATE = "resource_entry.create", _("Resursinsats registrerad")
    RESOURCE_ENTRY_UPDATE = "resource_entry.update", _("Resursinsats ändrad")
    RESOURCE_ENTRY_DELETE = "resource_entry.delete", _("Resursinsats borttagen")
    RESOURCE_ENTRY_EXPORT = "resource_entry.export", _("Resursinsatser exporterade")

    # Incidents
    INCIDENT_CREATE = "incident.create", _("Händelse rapporterad")
    INCIDENT_IMPORT = "incident.import", _("Händelser importerade")
    INCIDENT_IMPORT_UPLOAD = "incident.import_upload", _("Importfil uppladdad")
    INCIDENT_IMPORT_CHECK = "incident.import_check", _("Importfil provkörd")
    INCIDENT_IMPORT_QUEUE = "incident.import_queue", _("Import startad i bakgrunden")
    INCIDENT_IMPORT_MAPPING = "incident.import_mapping", _("Importmappning sparad")
    INCIDENT_EXPORT = "incident.export", _("Händelser exporterade")
    INCIDENT_SET_STATUS = "incident.set_status", _("Händelsens status ändrad")
    INCIDENT_GIVE_FEEDBACK = "incident.give_feedback", _("Återkoppling till rapportör")
    INCIDENT_MARK_DUPLICATE = "incident.mark_duplicate", _("Händelse markerad som dubblett")
    INCIDENT_CHANGE_CATEGORY = "incident.change_category", _("Händelsens kategori ändrad")
    INCIDENT_ASSIGN = "incident.assign", _("Händelse tilldelad")
    INCIDENT_SET_TAGS = "incident.set_tags", _("Händelsens etiketter ändrade")
    INCIDENT_ADD_PHOTO = "incident.add_photo", _("Foto bifogat till rapport")
    USER_SET_FEEDBACK_MAIL = "user.set_feedback_mail", _("Val av e-post om återkoppling ändrat")

    # Lägesbild
    PARTNERSHIP_SET_APPROVERS = (
        "partnership.set_approvers",
        _("Antal godkännare i samverkansgruppen ändrat"),
    )
    SITUATION_CREATE = "situation.create", _("Lägesbild skapad")
    SITUATION_RECOMPUTE = "situation.recompute", _("Lägesbild omräknad")
    SITUATION_REPROTECT = (
        "situation.reprotect",
        _("Fler siffror dolda i en delad lägesbild (skyddet av små tal förbättrat)"),
    )
    SITUATION_ASSESS = "situation.assess", _("Bedömning skriven")
    SITUATION_APPROVE = "situation.approve", _("Lägesbild fastställd")
    SITUATION_APPROVE_FIRST = "situation.approve_first", _("Lägesbild godkänd av 1 av 2")
    SITUATION_SHARE = "situation.share", _("Lägesbild delad")
    SITUATION_EXPORT = "situation.export", _("Lägesbild exporterad")
    COUNTY_EXPORT = "county.export", _("Länsöversikt exporterad")
    COUNTY_DIGEST_CREATE = "county_digest.create", _("Nätverksbrev skapat")
    COUNTY_DIGEST_UPDATE = "county_digest.update", _("Nätverksbrev ändrat")
    COUNTY_DIGEST_QUEUE = "county_digest.queue", _("Nätverksbrev lagt i kö för utskick")
    COUNTY_DIGEST_SEND = "county_digest.send", _("Nätverksbrev skickat")
    COUNTY_DIGEST_EXPORT = "county_digest.export", _("Nätverksbrev hämtat som PDF")
    COUNTY_DIGEST_SUBSCRIBE = "county_digest.subscribe", _("Prenumeration på nätverksbrev")
    COUNTY_DIGEST_UNSUBSCRIBE = (
        "county_digest.unsubscribe",
        _("Prenumeration på nätverksbrev avslutad"),
    )
    NETWORK_MEETING_SAVE = "network_meeting.save", _("Nätverksmöte sparat")
    NETWORK_MEETING_DELETE = "network_meeting.delete", _("Nätverksmöte borttaget")
    SITUATION_SCHEDULE_SAVE = "situation_schedule.save", _("Schema för lägesbilder sparat")
    SITUATION_SCHEDULE_ENABLE = (
        "situation_schedule.enable",
        _("Schema för lägesbilder återupptaget"),
    )
    SITUATION_SCHEDULE_PAUSE = "situation_schedule.pause", _("Schema för lägesbilder pausat")
    SITUATION_SCHEDULE_DELETE = "situation_schedule.delete", _("Schema för lägesbilder borttaget")
    SITUATION_SCHEDULE_RUN = "situation_schedule.run", _("Schemalagd lägesbild skapad")

    # Communication plan (samverkan/communication)
    COMMUNICATION_ACTIVITY_CREATE = (
        "communication_activity.create",
        _("Kommunikationsaktivitet planerad"),
    )
    COMMUNICATION_ACTIVITY_UPDATE = (
        "communication_activity.update",
        _("Kommunikationsaktivitet ändrad"),
    )
    COMMUNICATION_ACTIVITY_SET_STATUS = (
        "communication_activity.set_status",
        _("Kommunikationsaktivitetens status ändrad"),
    )

    # Problems and action plans
    PROBLEM_CREATE = "problem.create", _("Problem skapat")
    PROBLEM_UPDATE = "problem.update", _("Problem ändrat")
    PROBLEM_SET_STATUS = "problem.set_status", _("Problemets status ändrad")
    PROBLEM_ATTACH_EVIDENCE = "problem.attach_evidence", _("Underlag kopplat till problem")
    CAUSE_ANALYSIS_CREATE = "cause_analysis.create", _("Orsaksanalys skapad")
    CAUSE_ANALYSIS_UPDATE = "cause_analysis.update", _("Orsaksanalys ändrad")
    CAUSE_ANALYSIS_EXPORT = "cause_analysis.export", _("Orsaksanalys utskriven")
    ACTION_PLAN_CREATE = "action_plan.create", _("Åtgärdsplan skapad")
    ACTION_PLAN_UPDATE = "action_plan.update", _("Åtgärdsplan ändrad")
    ACTION_PLAN_SET_STATUS = "action_plan.set_status", _("Åtgärdsplanens status ändrad")
    ACTION_PLAN_APPROVE_FIRST = "action_plan.approve_first", _("Åtgärdsplan godkänd av 1 av 2")
    ACTION_PLAN_EXPORT = "action_plan.export", _("Åtgärdsplan exporterad")
    MEASURE_CREATE = "measure.create", _("Åtgärd skapad")
    MEASURE_UPDATE = "measure.update", _("Åtgärd ändrad")
    MEASURE_SET_STATUS = "measure.set_status", _("Åtgärdens status ändrad")
    PLAN_SHARE_CREATE = "plan_share.create", _("Delning med grannkommun skickad")
    PLAN_SHARE_UPDATE = "plan_share.update", _("Delade delar ändrade")
    PLAN_SHARE_ACCEPT = "plan_share.accept", _("Delning från grannkommun godtagen")
    PLAN_SHARE_DECLINE = "plan_share.decline", _("Delning från grannkommun avböjd")
    PLAN_SHARE_WITHDRAW = "plan_share.withdraw", _("Delning med grannkommun återkallad")
    PLAN_SHARE_COORDINATE = "plan_share.coordinate", _("Egen plan samordnad med delning")
    MEETING_SERIES_CREATE = "meeting_series.create", _("Mötesserie skapad")
    MEETING_SERIES_UPDATE = "meeting_series.update", _("Mötesserie ändrad")
    MEETING_CREATE = "meeting.create", _("Veckomöte skapat")
    MEETING_BUILD_AGENDA = "meeting.build_agenda", _("Dagordning sammanställd")
    MEETING_SAVE_NOTES = "meeting.save_notes", _("Mötesanteckningar sparade")
    MEETING_ADD_PLACE = "meeting.add_place", _("Prioriterad plats tillagd")
    MEETING_REMOVE_PLACE = "meeting.remove_place", _("Prioriterad plats borttagen")
    MEETING_ADD_ACTION = "meeting.add_action", _("Kortsiktig åtgärd beslutad")
    MEETING_UPDATE_ACTION = "meeting.update_action", _("Kortsiktig åtgärd följd upp")
    MEETING_CLOSE = "meeting.close", _("Veckomöte avslutat, protokoll fryst och skickat")
    MEETING_EXPORT_MINUTES = "meeting.export_minutes", _("Mötesprotokoll nedladdat")
    PROMISE_CREATE = "promise.create", _("Medborgarlöfte skapat")
    PROMISE_UPDATE = "promise.update", _("Medborgarlöfte ändrat")
    PROMISE_PUBLISH = "promise.publish", _("Medborgarlöfte publicerat")
    PROMISE_UNPUBLISH = "promise.unpublish", _("Medborgarlöfte avpublicerat")
    PROMISE_ADD_UPDATE = "promise.add_update", _("Lägesrapport om medborgarlöfte")
    PROMISE_PRINT_POSTER = "promise.print_poster", _("Affisch för medborgarlöfte utskriven")
    AGREEMENT_CREATE = "agreement.create", _("Överenskommelse skapad")
    AGREEMENT_UPDATE = "agreement.update", _("Överenskommelse ändrad")
    AGREEMENT_PLAN_FOLLOWUPS = (
        "agreement.plan_followups",
        _("Uppföljningar av överenskommelse planerade"),
    )
    AGREEMENT_SEND_REMINDER = "agreement.send_reminder", _("Påminnelse om överenskommelse skickad")
    AGREEMENT_DOWNLOAD_DOCUMENT = (
        "agreement.download_document",
        _("Överenskommelsens dokument hämtat"),
    )

    # Follow-up
    INDICATOR_CREATE = "indicator.create", _("Indikator skapad")
    INDICATOR_IMPORT = "indicator.import", _("Indikatorvärden importerade")
    INDICATOR_SET_VALUES = "indicator.set_values", _("Indikatorvärden ändrade")
    INDICATOR_REFRESH = "indicator.refresh", _("Indikator uppdaterad")
    INDICATOR_AUTO_REFRESH = "indicator.auto_refresh", _("Indikator uppdaterad automatiskt")
    GOAL_CREATE = "goal.create", _("Mål skapat")
    TERTIAL_REPORT_CREATE = "tertial_report.create", _("Tertialrapport skapad")
    TERTIAL_REPORT_REGENERATE = "tertial_report.regenerate", _("Tertialrapport omräknad")
    TERTIAL_REPORT_APPROVE_FIRST = (
        "tertial_report.approve_first",
        _("Tertialrapport godkänd av 1 av 2"),
    )
    TERTIAL_REPORT_APPROVE = "tertial_report.approve", _("Tertialrapport godkänd")
    TERTIAL_REPORT_WRITE_ANALYSIS = (
        "tertial_report.write_analysis",
        _("Analys i tertialrapport skriven"),
    )
    TERTIAL_REPORT_EXPORT = "tertial_report.export", _("Tertialrapport exporterad")
    EVALUATION_CREATE = "evaluation.create", _("Utvärdering skapad")
    EVALUATION_UPDATE = "evaluation.update", _("Utvärdering ändrad")
    EVALUATION_EXPORT = "evaluation.export", _("Utvärdering exporterad")
    EXPERIENCE_CREATE = "experience.create", _("Erfarenhet skapad")
    EXPERIENCE_UPDATE = "experience.update", _("Erfarenhet ändrad")
    EXPERIENCE_ATTACH = "experience.attach", _("Erfarenhet kopplad")

    # Preventive cases
    CASE_CREATE = "case.create", _("Ärende skapat")
    CASE_UPDATE = "case.update", _("Ärende ändrat")
    CASE_VIEW = "case.view", _("Ärende läst")
    CASE_VIEW_FOR_EDIT = "case.view_for_edit", _("Ärende öppnat för ändring")
    CASE_STATE_PURPOSE = "case.state_purpose", _("Syfte angivet för ärende")
    CASE_OPEN_SEARCH_HIT = "case.open_search_hit", _("Sökträff öppnad")
    CASE_SEARCH = "case.search", _("Ärenden sökta")
    CASE_LIST = "case.list", _("Ärendelista visad")
    CASE_EXPORT = "case.export", _("Ärenden exporterade")
    CASE_VIEW_STATISTICS = "case.view_statistics", _("Ärendestatistik visad")
    CASE_EXTRACT_ACCESS_LOG = "case.extract_access_log", _("Registerutdrag över åtkomst")
    CASE_SET_STATUS = "case.set_status", _("Ärendets status ändrad")
    CASE_ASSIGN = "case.assign", _("Handläggare tilldelade")
    CASE_ASSESS_RISK = "case.assess_risk", _("Riskbedömning")
    CASE_PLAN_CONVERSATION = "case.plan_conversation", _("Samtal planerat")
    CASE_HOLD_CONVERSATION = "case.hold_conversation", _("Samtal genomfört")
    CASE_ADD_MEASURE = "case.add_measure", _("Insats tillagd")
    CASE_SET_MEASURE_STATUS = "case.set_measure_status", _("Insatsens status ändrad")
    CASE_EXCHANGE = "case.exchange", _("Uppgifter utbytta")
    CASE_RECORD_OUTCOME = "case.record_outcome", _("Utfall registrerat")
    CASE_ANONYMISE = "case.anonymise", _("Ärende avidentifierat")
    INFORMATION_REQUEST_CREATE = "information_request.create", _("Begäran om uppgifter")
    INFORMATION_REQUEST_DECIDE = "information_request.decide", _("Beslut om begäran")
    INFORMATION_REQUEST_DISCLOSE = "information_request.disclose", _("Uppgifter lämnade")
    INFORMATION_REQUEST_LIST = "information_request.list", _("Begäranden visade")
    INFORMATION_REQUEST_VIEW = "information_request.view", _("Begäran läst")
    CASE_KEY_START_ROTATION = "case_key.start_rotation", _("Byte av ärendenyckel påbörjat")
    CASE_KEY_FINISH_ROTATION = "case_key.finish_rotation", _("Byte av ärendenyckel klart")
    CASE_KEY_INTERRUPT_ROTATION = "case_key.interrupt_rotation", _("Byte av ärendenyckel avbrutet")


# Names used before the actions were registered (issue 17): stored rows keep them.
ALIASES: dict[str, Action] = {
    "auth.login": Action.USER_SIGN_IN,
    "auth.sso": Action.USER_SIGN_IN_SSO,
    "auth.logout": Action.USER_SIGN_OUT,
    "auth.login_failed": Action.SIGN_IN_FAIL,
    "auth.lockout": Action.USER_LOCK_OUT,
    "auth.unlock": Action.USER_UNLOCK,
    "auth.session_expired": Action.SESSION_EXPIRE,
    "auth.password_change": Action.USER_CHANGE_PASSWORD,
    "auth.2fa_enrol": Action.TWO_FACTOR_ENROL,
    "auth.2fa_failed": Action.TWO_FACTOR_FAIL,
    "auth.2fa_reset": Action.TWO_FACTOR_RESET,
    "auth.2fa_recovery_code_used": Action.RECOVERY_CODE_USE,
    "auth.2fa_recovery_codes_new": Action.RECOVERY_CODES_RENEW,
    "auth.2fa_passkey_enrol": Action.PASSKEY_ENROL,
    "auth.2fa_passkey_remove": Action.PASSKEY_REMOVE,
    "auth.2fa_passkey_rename": Action.PASSKEY_RENAME,
    "auth.2fa_passkey_used": Action.PASSKEY_USE,
    "security.two_factor_policy": Action.ORGANISATION_SET_TWO_FACTOR_POLICY,
    "user.privileges": Action.USER_CHANGE_PRIVILEGES,
    "area.own.create": Action.OWN_AREA_CREATE,
    "area.own.update": Action.OWN_AREA_UPDATE,
    "area.own.delete": Action.OWN_AREA_DELETE,
    "incident.status": Action.INCIDENT_SET_STATUS,
    "incident.feedback": Action.INCIDENT_GIVE_FEEDBACK,
    "incident.duplicate": Action.INCIDENT_MARK_DUPLICATE,
    "situation.assessment": Action.SITUATION_ASSESS,
    "situation.schedule": Action.SITUATION_SCHEDULE_SAVE,
    "situation.schedule_enable": Action.SITUATION_SCHEDULE_ENABLE,
    "situation.schedule_pause": Action.SITUATION_SCHEDULE_PAUSE,
    "situation.schedule_delete": Action.SITUATION_SCHEDULE_DELETE,
    "situation.scheduled": Action.SITUATION_SCHEDULE_RUN,
    "problem.status": Action.PROBLEM_SET_STATUS,
    "problem.evidence": Action.PROBLEM_ATTACH_EVIDENCE,
    "cause_analysis.pdf": Action.CAUSE_ANALYSIS_EXPORT,
    "action_plan.status": Action.ACTION_PLAN_SET_STATUS,
    "measure.status": Action.MEASURE_SET_STATUS,
    "promise.update_add": Action.PROMISE_ADD_UPDATE,
    "promise.poster": Action.PROMISE_PRINT_POSTER,
    "agreement.followups": Action.AGREEMENT_PLAN_FOLLOWUPS,
    "agreement.reminder": Action.AGREEMENT_SEND_REMINDER,
    "agreement.document": Action.AGREEMENT_DOWNLOAD_DOCUMENT,
    "followup.indicator.create": Action.INDICATOR_CREATE,
    "followup.indicator.import": Action.INDICATOR_IMPORT,
    "followup.indicator.values": Action.INDICATOR_SET_VALUES,
    "followup.indicator.refresh": Action.INDICATOR_REFRESH,
    "followup.indicator.auto_refresh": Action.INDICATOR_AUTO_REFRESH,
    "followup.goal.create": Action.GOAL_CREATE,
    "followup.tertial.create": Action.TERTIAL_REPORT_CREATE,
    "followup.tertial.regenerate": Action.TERTIAL_REPORT_REGENERATE,
    "followup.tertial.analysis": Action.TERTIAL_REPORT_WRITE_ANALYSIS,
    "followup.tertial.export": Action.TERTIAL_REPORT_EXPORT,
    "followup.evaluation.create": Action.EVALUATION_CREATE,
    "followup.evaluation.update": Action.EVALUATION_UPDATE,
    "followup.evaluation.export": Action.EVALUATION_EXPORT,
    "followup.experience.create": Action.EXPERIENCE_CREATE,
    "followup.experience.update": Action.EXPERIENCE_UPDATE,
    "followup.experience.attach": Action.EXPERIENCE_ATTACH,
    "case.edit_view": Action.CASE_VIEW_FOR_EDIT,
    "case.purpose": Action.CASE_STATE_PURPOSE,
    "case.search_hit": Action.CASE_OPEN_SEARCH_HIT,
    "case.statistics": Action.CASE_VIEW_STATISTICS,
    "case.access_log": Action.CASE_EXTRACT_ACCESS_LOG,
    "case.status": Action.CASE_SET_STATUS,
    "case.risk": Action.CASE_ASSESS_RISK,
    "case.conversation": Action.CASE_PLAN_CONVERSATION,
    "case.conversation_held": Action.CASE_HOLD_CONVERSATION,
    "case.measure": Action.CASE_ADD_MEASURE,
    "case.measure_status": Action.CASE_SET_MEASURE_STATUS,
    "case.outcome": Action.CASE_RECORD_OUTCOME,
    "case.request": Action.INFORMATION_REQUEST_CREATE,
    "case.request_decision": Action.INFORMATION_REQUEST_DECIDE,
    "case.request_disclosed": Action.INFORMATION_REQUEST_DISCLOSE,
    "case.request_list": Action.INFORMATION_REQUEST_LIST,
    "case.request_view": Action.INFORMATION_REQUEST_VIEW,
    "cases.key_rotation.start": Action.CASE_KEY_START_ROTATION,
    "cases.key_rotation.finish": Action.CASE_KEY_FINISH_ROTATION,
    "cases.key_rotation.interrupted": Action.CASE_KEY_INTERRUPT_ROTATION,
}


def resolve(name: str) -> Action | None:
    """The registered action ``name`` stands for (its current name or an earlier one)."""
    if name in Action.values:
        return Action(name)
    return ALIASES.get(name)


def label(name: str) -> str:
    """The Swedish label of a stored action name; an unknown name is shown as it is."""
    action = resolve(name)
    return str(action.label) if action is not None else name


def stored_names(prefix: str) -> list[str]:
    """Every stored name of the actions whose current or earlier name starts with ``prefix``."""
    names = []
    for action in Action:
        earlier = [old for old, new in ALIASES.items() if new == action]
        if any(n.startswith(prefix) for n in [action.value, *earlier]):
            names += [action.value, *earlier]
    return names
