"""The classifier's rule families, one behaviour per test."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.classify import classify
from bot.domain.watchlist import Watchlist

from .conftest import make_item


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


# --- companies ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "company"),
    [
        ("Police departments may not use Rekognition, company says", "amazon"),
        ("Azure Face access now requires an application", "microsoft"),
        ("Watson Visual Recognition retired", "ibm"),
        ("Instagram face recognition setting removed", "meta"),
        ("Facebook deletes faceprints", "meta"),
        ("Clearview fined in Europe", "clearview"),
        ("Axon says no face matching on body cameras", "axon"),
        ("Google Cloud Celebrity Recognition limited to media firms", "google"),
    ],
)
def test_products_and_names_map_to_company_ids(
    watchlist: Watchlist, title: str, company: str
) -> None:
    assert company in classify(make_item(title), watchlist).companies


def test_capitalised_names_do_not_fire_on_ordinary_words(watchlist: Watchlist) -> None:
    match = classify(make_item("A meta-analysis of ring-shaped cameras"), watchlist)
    assert match.companies == ()


def test_outside_companies_are_other(watchlist: Watchlist) -> None:
    match = classify(make_item("Apple adds Face ID with a mask"), watchlist)
    assert match.companies == ("other",)


def test_an_outside_name_in_the_summary_of_a_tracked_company_story_is_not_a_subject(
    watchlist: Watchlist,
) -> None:
    match = classify(
        make_item("Google keeps working on face unlock", "Apple's iPhones already have it."),
        watchlist,
    )
    assert match.companies == ("google",)


# --- relevance: negative contexts ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "summary", "family"),
    [
        ("Facial recognition market to grow 15% a year", "The report forecasts a CAGR of 15%.",
         "market"),
        ("Unlock your phone with facial recognition at night", "The new model adds an IR camera.",
         "consumer_device"),
        ("Shoppers pay by face at checkout", "Facial recognition payments spread.", "payments"),
        ("Researchers use facial recognition on wild bears", "A study finds it works on animals.",
         "research"),
        ("Facial recognition thriller streaming now", "The film follows a hacker.",
         "entertainment"),
    ],
)
def test_veto_contexts_make_facial_recognition_mentions_irrelevant(
    watchlist: Watchlist, title: str, summary: str, family: str
) -> None:
    match = classify(make_item(title, summary), watchlist)
    assert not match.relevant
    assert any(r.startswith(f"negative.{family}") for r in match.reasons)


def test_a_strong_legal_signal_outweighs_a_veto_context(watchlist: Watchlist) -> None:
    match = classify(
        make_item(
            "FTC sues retailer over facial recognition at checkout",
            "The lawsuit says shoppers were falsely flagged.",
        ),
        watchlist,
    )
    assert match.relevant


@pytest.mark.parametrize(
    ("title", "summary"),
    [
        ("Governor extends eviction moratorium", "Renters get 60 more days."),
        ("Moratorium on offshore drilling lifted", "The ban on new leases ends."),
        ("State lawmakers pass AI bill", "The law regulates automated hiring decisions."),
        ("City council passes police reform package", "It bans chokeholds and no-knock warrants."),
        ("Countries move to recognize Palestinian state", "Recognition follows months of talks."),
        ("Microsoft improves speech recognition", "The new model cuts errors."),
        ("Amazon faces antitrust lawsuit", "The FTC says the company is a monopoly."),
        ("Police deploy facial recognition cameras at festival", "Cameras are installed at gates."),
        ("Facial recognition works fine in the dark", "The update improves low-light matching."),
        ("Police used facial recognition in murder investigation", "Detectives found a suspect."),
        ("Facial recognition led to suspect; arrest warrant issued", "Officers made the arrest."),
        ("Drivers face fines under new phone law", "Governor signs the ban into law."),
    ],
)
def test_shared_words_without_facial_recognition_policy_are_irrelevant(
    watchlist: Watchlist, title: str, summary: str
) -> None:
    assert not classify(make_item(title, summary), watchlist).relevant


def test_facial_recognition_without_policy_context_is_irrelevant(watchlist: Watchlist) -> None:
    item = make_item("How facial recognition works", "A primer on algorithms.")
    match = classify(item, watchlist)
    assert not match.relevant
    assert match.kind == "other"
    assert match.event == "none"


def test_landmark_cases_count_as_facial_recognition(watchlist: Watchlist) -> None:
    match = classify(
        make_item("R (Bridges) v Chief Constable of South Wales Police", "Appeal judgment."),
        watchlist,
    )
    assert match.relevant
    assert match.kind == "litigation_or_report"


def test_biometric_privacy_suits_against_tracked_companies_are_relevant(
    watchlist: Watchlist,
) -> None:
    match = classify(
        make_item("Amazon faces BIPA class action", "Plaintiffs say biometric data was misused."),
        watchlist,
    )
    assert match.relevant


def test_biometric_words_alone_are_not_enough(watchlist: Watchlist) -> None:
    match = classify(
        make_item("Biometric residence permits expire", "Holders must apply for eVisas."), watchlist
    )
    assert not match.relevant


# --- events ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "summary", "event", "kind"),
    [
        ("Amazon extends its moratorium on police facial recognition", "", "moratorium_extended",
         "company_statement"),
        ("IBM will no longer offer facial recognition software", "", "product_exit",
         "company_statement"),
        ("Google vows not to sell facial recognition for now", "", "product_restriction",
         "company_statement"),
        ("IBM signs facial recognition contract with UK police", "", "sales_to_police",
         "company_statement"),
        ("Senators introduce bill to ban federal facial recognition", "", "bill_introduced",
         "legislation"),
        ("Committee advances facial recognition bill", "The measure moves to the floor.",
         "committee_passed", "legislation"),
        ("Facial recognition bill heads to the governor", "Lawmakers passed it 30-9.",
         "bill_passed", "legislation"),
        ("Governor signs facial recognition bill into law", "", "bill_signed", "legislation"),
        ("Governor vetoes facial recognition bill", "", "bill_vetoed", "legislation"),
        ("Governor won't sign police bill with facial recognition ban", "", "veto_threat",
         "legislation"),
        ("City council votes to ban facial recognition", "", "ban_passed", "legislation"),
        ("Lawmakers lift ban on police facial recognition", "", "repeal", "legislation"),
        ("Man sues police over facial recognition arrest", "", "lawsuit", "litigation_or_report"),
        ("City settles facial recognition lawsuit", "", "settlement", "litigation_or_report"),
        ("Court rules police facial recognition unlawful", "", "ruling", "litigation_or_report"),
        ("Regulator fines Clearview AI", "", "fine_or_enforcement", "litigation_or_report"),
        ("Woman wrongfully arrested after facial recognition match", "", "wrongful_arrest",
         "litigation_or_report"),
        ("GAO report finds agencies use facial recognition without oversight", "", "report",
         "litigation_or_report"),
        ("Facial recognition ban expired, leaving police free to use it", "The law banned it.",
         "moratorium_expired", "legislation"),
    ],
)
def test_event_rules(
    watchlist: Watchlist, title: str, summary: str, event: str, kind: str
) -> None:
    match = classify(make_item(title, summary), watchlist)
    assert match.relevant
    assert (match.event, match.kind) == (event, kind)
    assert any(r.startswith(f"event.{event}") for r in match.reasons)


def test_title_evidence_beats_summary_evidence(watchlist: Watchlist) -> None:
    match = classify(
        make_item(
            "Detroit settles wrongful facial recognition arrest suit",
            "He was wrongfully arrested in 2020.",
        ),
        watchlist,
    )
    assert match.event == "settlement"


# --- places, bills, tracked entries -----------------------------------------------------------


def test_city_stories_report_the_city_not_its_state(watchlist: Watchlist) -> None:
    match = classify(
        make_item("King County bans facial recognition", "Washington state's largest county."),
        watchlist,
    )
    assert match.jurisdictions[0] == "US-WA-King County"
    assert "US-WA" not in match.jurisdictions


def test_a_federal_bill_id_makes_the_item_federal(watchlist: Watchlist) -> None:
    match = classify(make_item("S. 4084 would ban federal facial recognition", ""), watchlist)
    assert match.bill_ids == ("S.4084",)
    assert "US-federal" in match.jurisdictions


def test_tracked_bill_found_by_its_id(watchlist: Watchlist) -> None:
    match = classify(
        make_item("Washington passes SB 6280", "The facial recognition bill passed the House."),
        watchlist,
    )
    assert "wa-sb6280-2020" in match.bills


def test_a_named_act_is_matched_to_the_congress_of_its_date(watchlist: Watchlist) -> None:
    item = make_item(
        "Facial Recognition and Biometric Technology Moratorium Act reintroduced",
        "Lawmakers reintroduced the bill in both houses.",
        published=at("2021-06-16"),
    )
    assert classify(item, watchlist).bills == ("us-frbtma-117",)


def test_company_statements_concern_the_company_pledge(watchlist: Watchlist) -> None:
    match = classify(make_item("Amazon extends police moratorium on Rekognition"), watchlist)
    assert match.pledges == ("amazon-rekognition-police-moratorium",)


def test_a_distinctive_subject_links_a_stage_event_to_its_bill(watchlist: Watchlist) -> None:
    match = classify(
        make_item(
            "California lawmakers ban facial recognition in police body cameras",
            "The bill heads to the governor's desk.",
            published=at("2019-09-13"),
        ),
        watchlist,
    )
    assert match.bills == ("ca-ab1215-2019",)
    assert match.bill_ids == ("AB 1215",)


def test_an_untracked_bill_is_not_linked_to_a_tracked_one(watchlist: Watchlist) -> None:
    match = classify(
        make_item("California Assembly Bill 2261 on facial recognition clears committee", ""),
        watchlist,
    )
    assert match.bill_ids == ("AB 2261",)
    assert match.bills == ()


def test_score_is_higher_for_clear_policy_news(watchlist: Watchlist) -> None:
    clear = classify(
        make_item("Council votes to ban facial recognition", "The ordinance passed 9-0."), watchlist
    )
    weak = classify(make_item("Facial recognition explained", ""), watchlist)
    assert 0.5 <= clear.score <= 1.0
    assert 0.0 <= weak.score < 0.5


# --- who acts, and what is only the cause -------------------------------------------------------


def test_a_cause_after_the_act_in_a_title_is_not_the_event(watchlist: Watchlist) -> None:
    acted = classify(make_item(
        "Camera maker ends face analysis sales after wrongful arrests",
        "The company said departments must now find another supplier."), watchlist)
    assert acted.kind == "company_statement", acted.reasons
    # The same words before the act are the news.
    suit = classify(make_item(
        "Wrongful arrests lawsuit names camera maker that ends face analysis sales", ""),
        watchlist)
    assert suit.kind == "litigation_or_report", suit.reasons


def test_a_company_named_after_the_act_does_not_act(watchlist: Watchlist) -> None:
    directive = classify(make_item(
        "Attorney general bars police from using Clearview AI", ""), watchlist)
    assert directive.event != "product_restriction", directive.reasons
    own = classify(make_item("Clearview AI bars police in Europe from its app", ""), watchlist)
    assert own.kind == "company_statement", own.reasons


def test_refusing_to_deploy_is_not_a_deployment(watchlist: Watchlist) -> None:
    match = classify(make_item(
        "Vendor says no to facial recognition on its police cameras",
        "The company decided not to deploy face matching."), watchlist)
    assert match.relevant, match.reasons
    assert not any(r.startswith("negative.deployment") for r in match.reasons), match.reasons


def test_a_company_stand_on_a_bill_is_the_company_s_statement(watchlist: Watchlist) -> None:
    match = classify(make_item("Microsoft backs Washington state facial recognition bill", ""),
                     watchlist)
    assert (match.kind, match.event) == ("company_statement", "lobbying"), match.reasons
    bill = classify(make_item("Senate backs bill to ban Amazon facial recognition sales", ""),
                    watchlist)
    assert bill.kind == "legislation", bill.reasons


def test_a_company_s_own_policy_on_its_face_product_outweighs_the_product(
    watchlist: Watchlist,
) -> None:
    own = classify(make_item(
        "Smartphone maker turns off face recognition in its photo app for EU users", ""),
        watchlist)
    assert own.relevant, own.reasons
    assert own.kind == "company_statement", own.reasons
    # A how-to about the same switch, and a phone's unlock, stay consumer news.
    for title in ("How to turn off face recognition in your photo app",
                  "Samsung removes face unlock from its budget phones",
                  "Phone maker launches faster face unlock for its new smartphone"):
        assert not classify(make_item(title, ""), watchlist).relevant, title


def test_a_city_that_bans_is_its_council_voting(watchlist: Watchlist) -> None:
    city = classify(make_item("Oakland bans police use of facial recognition", ""), watchlist)
    assert (city.kind, city.event) == ("legislation", "ban_passed"), city.reasons
    # A state that bans may be its agency's policy or its law: no council vote is read in.
    state = classify(make_item("Vermont bans police use of facial recognition", ""), watchlist)
    assert not any("city or county" in r for r in state.reasons), state.reasons


def test_lawmakers_before_the_company_make_it_their_news(watchlist: Watchlist) -> None:
    press = classify(make_item("Senators ask Microsoft to explain Azure Face contracts with police",
                               ""), watchlist)
    assert press.kind == "legislation", press.reasons
    own = classify(make_item("Microsoft signs Azure Face contracts with police, senators say",
                             ""), watchlist)
    assert own.kind == "company_statement", own.reasons


def test_a_program_ended_following_a_ban_is_not_a_deployment_citing_a_law(
    watchlist: Watchlist,
) -> None:
    ended = classify(make_item(
        "School district ends facial recognition program following state ban", ""), watchlist)
    assert ended.relevant, ended.reasons
    started = classify(make_item(
        "School district installs facial recognition cameras following state guidance", ""),
        watchlist)
    assert not started.relevant, started.reasons


def test_councilors_are_lawmakers(watchlist: Watchlist) -> None:
    match = classify(make_item("Police department drops Clearview AI after councilors object",
                               ""), watchlist)
    assert match.relevant, match.reasons
    assert match.kind == "legislation", match.reasons


def test_a_suit_in_a_state_is_not_news_of_the_state_s_law(watchlist: Watchlist) -> None:
    suit = classify(make_item("Clearview AI wins dismissal of Vermont lawsuit", ""), watchlist)
    assert suit.relevant, suit.reasons
    assert suit.bills == (), suit.reasons
    law = classify(make_item("Vermont lawmakers pass limits on police facial recognition", ""),
                   watchlist)
    assert law.bills, law.reasons


# --- causes found across the blind rounds --------------------------------------------------


def test_company_policy_alone_is_a_company_statement_without_a_named_maker(
    watchlist: Watchlist,
) -> None:
    match = classify(make_item(
        "Photo sharing service switches off face matching for lookalike searches",
        "The feature will be removed for every account next month."), watchlist)
    assert match.relevant, match.reasons
    assert match.kind == "company_statement", match.reasons


def test_lawmakers_extending_a_ban_is_legislation(watchlist: Watchlist) -> None:
    match = classify(make_item(
        "Legislators extend ban on face recognition in police body cameras",
        "The measure renews the pause for three more years."), watchlist)
    assert match.relevant, match.reasons
    assert match.kind == "legislation", match.reasons
    company = classify(make_item("Amazon extends its ban on police use of face recognition",
                                 ""), watchlist)
    assert company.kind == "company_statement", company.reasons


@pytest.mark.parametrize("title", [
    "Regulator faults police over live face cameras at protests",
    "Court fines firm for selling face software built from scraped selfies",
    "Activists sue city over metro face payment system",
])
def test_face_before_a_technology_noun_is_the_topic(watchlist: Watchlist, title: str) -> None:
    match = classify(make_item(title, ""), watchlist)
    assert match.relevant, match.reasons


def test_tagging_photos_by_face_under_a_ruling_is_on_topic(watchlist: Watchlist) -> None:
    match = classify(make_item("Judge refuses to dismiss suit over tagging photos by face",
                               "The judge denied the motion to dismiss the claims."),
                     watchlist)
    assert match.relevant, match.reasons
    assert match.kind == "litigation_or_report", match.reasons


def test_a_use_of_face_recognition_under_a_law_is_a_deployment(watchlist: Watchlist) -> None:
    use = classify(make_item(
        "Sheriff uses facial recognition to identify shoplifting suspect",
        "Deputies said the search was allowed under the state's new law."), watchlist)
    assert not use.relevant, use.reasons
    rules = classify(make_item(
        "County adopts new limits on facial recognition searches",
        "Detectives need approval before each search, under the state's new law."), watchlist)
    assert rules.relevant, rules.reasons


@pytest.mark.parametrize("title", [
    "Privacy group lodges complaint over school face scanning",
    "Parents filed a complaint over the district's facial recognition cameras",
])
def test_a_complaint_filed_is_legal_action(watchlist: Watchlist, title: str) -> None:
    match = classify(make_item(title, ""), watchlist)
    assert match.relevant, match.reasons
    assert match.kind == "litigation_or_report", match.reasons
