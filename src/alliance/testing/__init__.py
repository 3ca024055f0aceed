"""The testing kit for QA engineers.

- :mod:`alliance.testing.strategies`: hypothesis strategies for every value, every event
  and whole valid timelines (needs the ``testing`` extra, which brings hypothesis). Its
  public names are re-exported here.
- :mod:`alliance.testing.state_machine`: :class:`PartnershipStateMachine`, a hypothesis
  state machine over partnership commands, to subclass with the clinic's own
  invariants (re-exported here).
- :mod:`alliance.testing.store_contract`: the pytest suite every storage backend must
  pass.
- :mod:`alliance.testing.pytest_plugin`: pytest fixtures (``alliance_store``,
  ``alliance_clinic_id``, ``sample_partnership``), loaded automatically through the
  ``pytest11`` entry point.

With hypothesis installed, ``st.from_type`` draws valid ``alliance`` values, events and
partnerships from these strategies: they are registered through hypothesis' own
``hypothesis`` entry point when hypothesis is imported.

The re-exports are imported on first use, so importing :mod:`alliance.testing` (or the
storage contract) does not import hypothesis; the rest of ``alliance`` never does::

    from hypothesis import given
    from alliance.testing import partnership_histories, replay

    @given(partnership_histories())
    def test_my_report_handles_any_timeline(events):
        partnership = replay(events)
        ...
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from alliance.testing import strategies
    from alliance.testing.state_machine import PartnershipStateMachine
    from alliance.testing.strategies import (
        TIME_ZONE_NAMES,
        action_item_completed_events,
        action_items,
        agreement_acknowledged_events,
        agreement_issued_events,
        aware_datetimes,
        blank_texts,
        carer_joined_events,
        carers,
        check_in_held_events,
        children,
        coaching_session_held_events,
        communication_plan_agreed_events,
        communication_plans,
        communication_preferences,
        concern_escalated_events,
        concern_raised_events,
        concern_resolved_events,
        consent_granted_events,
        consent_withdrawn_events,
        contact_details,
        contact_routes,
        dates,
        durations,
        education_attended_events,
        events,
        events_of,
        feedback_answered_events,
        feedback_given_events,
        fidelity_checklist_set_events,
        fidelity_checklists,
        fidelity_steps,
        gas_levels,
        gas_scales,
        goal_achieved_events,
        goal_agreed_events,
        goal_concern_noted_events,
        goal_discontinued_events,
        goal_objected_events,
        goal_proposed_events,
        goal_put_on_hold_events,
        goal_resumed_events,
        goal_revised_events,
        home_practice_adapted_events,
        home_practice_planned_events,
        home_practice_stopped_events,
        ids,
        invalid_ids,
        invalid_next_events,
        language_tags,
        mastery_criteria,
        measurable_targets,
        measure_completed_events,
        member_left_events,
        naive_datetimes,
        partnership_agreements,
        partnership_formed_events,
        partnership_histories,
        partnership_status_changed_events,
        partnerships,
        plan_steps,
        practice_logged_events,
        professional_joined_events,
        professionals,
        progress_corrected_events,
        progress_recorded_events,
        replay,
        resource_shared_events,
        response_times,
        setback_reported_events,
        setback_resolved_events,
        setback_response_planned_events,
        setback_reviewed_events,
        settings_changed_events,
        step_fidelities,
        success_celebrated_events,
        support_offered_events,
        texts,
        time_zone_names,
        transition_announced_events,
        transition_information_shared_events,
        transition_plan_agreed_events,
        transition_rescheduled_events,
        transition_reviewed_events,
        wellbeing_noted_events,
    )

__all__ = [
    "PartnershipStateMachine",
    "strategies",
    "TIME_ZONE_NAMES",
    "action_item_completed_events",
    "action_items",
    "agreement_acknowledged_events",
    "agreement_issued_events",
    "audiences",
    "aware_datetimes",
    "blank_texts",
    "carer_joined_events",
    "carers",
    "check_in_held_events",
    "children",
    "coaching_session_held_events",
    "communication_plan_agreed_events",
    "communication_plans",
    "communication_preferences",
    "concern_escalated_events",
    "concern_raised_events",
    "concern_resolved_events",
    "consent_granted_events",
    "consent_withdrawn_events",
    "contact_details",
    "contact_routes",
    "dates",
    "durations",
    "education_attended_events",
    "events",
    "events_of",
    "feedback_answered_events",
    "feedback_given_events",
    "fidelity_checklist_set_events",
    "fidelity_checklists",
    "fidelity_steps",
    "gas_levels",
    "gas_scales",
    "goal_achieved_events",
    "goal_agreed_events",
    "goal_concern_noted_events",
    "goal_discontinued_events",
    "goal_objected_events",
    "goal_proposed_events",
    "goal_put_on_hold_events",
    "goal_resumed_events",
    "goal_revised_events",
    "home_practice_adapted_events",
    "home_practice_planned_events",
    "home_practice_stopped_events",
    "ids",
    "invalid_ids",
    "invalid_next_events",
    "language_tags",
    "mastery_criteria",
    "measurable_targets",
    "measure_completed_events",
    "member_left_events",
    "naive_datetimes",
    "partnership_agreements",
    "partnership_formed_events",
    "partnership_histories",
    "partnership_status_changed_events",
    "partnerships",
    "plan_steps",
    "practice_logged_events",
    "professional_joined_events",
    "professionals",
    "progress_corrected_events",
    "progress_recorded_events",
    "replay",
    "resource_shared_events",
    "response_times",
    "setback_reported_events",
    "setback_resolved_events",
    "setback_response_planned_events",
    "setback_reviewed_events",
    "settings_changed_events",
    "step_fidelities",
    "success_celebrated_events",
    "support_offered_events",
    "texts",
    "time_zone_names",
    "transition_announced_events",
    "transition_information_shared_events",
    "transition_plan_agreed_events",
    "transition_rescheduled_events",
    "transition_reviewed_events",
    "wellbeing_noted_events",
]


def __getattr__(name: str) -> Any:
    """Import :mod:`alliance.testing.strategies` (or the state machine) when one of its
    names is first used."""
    if name == "PartnershipStateMachine":
        return importlib.import_module("alliance.testing.state_machine").PartnershipStateMachine
    if name in __all__:
        module = importlib.import_module("alliance.testing.strategies")
        return module if name == "strategies" else getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
