"""Material acts on real-news phrasing (roots 06-09, 14-20): sentences written for these tests."""

import pytest

from tests.test_coder import find


def one(events, root):
    hits = find(events, root)
    assert len(hits) == 1, [(e["cameo_code"], e["source_text"], e["target_text"]) for e in events]
    return hits[0]


# ----------------------------------------------------------------- people no actor table knows

def test_agentless_arrest_of_a_suspect_targets_the_suspect(code_text):
    ev = one(code_text("The suspect was arrested at the scene on Friday."), "17")
    assert ev["cameo_code"] == "173" and ev["source_code"] is None
    assert ev["target_text"] == "suspect" and ev["target_code"] is None


def test_relatives_detained_are_the_target(code_text):
    ev = one(code_text("His mother was detained in Izmir, the agency said."), "17")
    assert "mother" in ev["target_text"] and ev["source_text"] is None


def test_police_arrest_a_person_by_a_common_noun(code_text):
    ev = one(code_text("Police in Toronto arrested the shooter on Friday."), "17")
    assert ev["source_agent"] == "COP" and ev["target_text"] == "shooter"


def test_a_thing_that_was_arrested_is_no_person(code_text):
    # "arrest the decline" is a negative pattern; a plain thing as a passive subject is no target.
    assert not find(code_text("The tickets were seized on Monday."), "17")


# ----------------------------------------------------------------- the subject undergoes the act

def test_went_on_trial_makes_the_defendant_the_target(code_text):
    ev = one(code_text("The former interior minister went on trial in Nairobi on Monday."), "17")
    assert ev["cameo_code"] == "173" and ev["pattern_id"] == "173.go-on-trial"
    assert ev["source_code"] is None and "minister" in ev["target_text"]


def test_stood_trial_and_appeared_in_court(code_text):
    ev = one(code_text("The opposition leader stood trial on Tuesday."), "17")
    assert ev["source_code"] is None and ev["target_agent"] == "OPP"
    ev = one(code_text("Two Kenyan men appeared in court in Mombasa on Monday."), "17")
    assert ev["source_code"] is None and ev["target_code"] == "KENCVL"


def test_will_stand_trial_is_no_event_and_no_threat(code_text):
    events = code_text("The opposition leader will stand trial in June.")
    assert not find(events, "17") and not find(events, "13")


def test_patient_roles_column_is_validated(tmp_path):
    import shutil

    from pipeline.codebook.loader import CodebookError, load_codebooks
    from tests.conftest import ROOT

    books = tmp_path / "codebooks"
    shutil.copytree(ROOT / "codebooks", books)
    path = books / "cameo" / "patterns" / "17.csv"
    path.write_text(path.read_text(encoding="utf-8") + "173.bad-role,173,verb,face,,jail,,,,,agent,bad\n", encoding="utf-8")
    with pytest.raises(CodebookError) as err:
        load_codebooks(books)
    assert "17.csv" in str(err.value) and "roles" in str(err.value)


# ----------------------------------------------------------------- casualty lists, results

def test_casualty_list_gives_one_event_per_victim_group(code_text):
    # a killing with no weapon named is conventional force (190) per the CAMEO manual's 190 notes
    events = find(code_text("Eighteen Nigerian soldiers and five civilians were among those killed in Borno."), "19")
    assert {e["target_agent"] for e in events} == {"MIL", "CVL"}
    assert all(e["source_code"] is None for e in events)


def test_fighting_that_led_to_the_destruction_of_homes(code_text):
    events = code_text("The fighting in Darfur led to the destruction of 200 homes last week.")
    assert [e["cameo_code"] for e in events if e["cameo_root"] == "17"] == ["1712"]


# ----------------------------------------------------------------- military support, rescues, operations

def test_troops_sent_to_help_an_ally_are_military_aid_to_the_ally(code_text):
    ev = one(code_text("Russia sent troops to help the Syrian army last year."), "07")
    assert ev["cameo_code"] == "072" and ev["source_code"] == "RUS" and ev["target_code"] == "SYRMIL"


def test_troops_sent_are_never_their_senders_target(code_text):
    events = code_text("Russia sent troops to the Syrian port of Tartus.")
    assert not [e for e in events if e["target_text"] == "troops"]


def test_hostages_rescued_without_a_named_rescuer(code_text):
    ev = one(code_text("All the hostages were rescued on Wednesday, the Pakistani army said."), "07")
    assert ev["cameo_code"] == "074" and ev["source_code"] is None and "hostages" in ev["target_text"]


def test_army_rescue_of_hostages_is_protection(code_text):
    ev = one(code_text("Nigerian soldiers rescued 20 hostages in Borno on Monday."), "07")
    assert ev["cameo_code"] == "074" and ev["source_code"] == "NGAMIL"


def test_operations_against_militants_are_military_force(code_text):
    ev = one(code_text("The Pakistani army is conducting operations against the militants in Khyber."), "19")
    assert ev["cameo_code"] == "190" and ev["source_code"] == "PAKMIL" and ev["target_agent"] == "REB"


def test_operation_against_corruption_is_no_fighting(code_text):
    assert not find(code_text("Kenyan police launched an operation against corruption in Nairobi."), "19")


def test_arsonists_are_criminals(code_text):
    events = code_text("Arsonists torched two Kenyan churches in Garissa on Sunday.")
    assert events and all(e["source_agent"] == "CRM" and e["source_text"] == "Arsonists" for e in events)


# ----------------------------------------------------------------- agents no table knows, things attacked

def test_freed_by_captors_no_table_knows_is_still_a_release(code_text):
    ev = one(code_text("The schoolgirls were freed by their captors on Tuesday in Zamfara."), "08")
    assert ev["cameo_code"] == "0841" and "schoolgirls" in (ev["target_text"] or "")


def test_a_train_that_came_under_attack_was_attacked(code_text):
    ev = one(code_text("The train came under a bomb and gun attack near Sibi on Tuesday."), "18")
    assert ev["cameo_code"] == "183" and ev["source_code"] is None


def test_a_plan_that_came_under_attack_was_criticised_not_attacked(code_text):
    events = code_text("The plan came under attack on Tuesday.")
    assert not [e for e in events if e["cameo_root"] in ("18", "19", "20")]


def test_rearrest_is_an_arrest(code_text):
    ev = one(code_text("Kenyan police rearrested the opposition leader in July."), "17")
    assert ev["cameo_code"] == "173" and ev["target_agent"] == "OPP"


def test_a_person_no_table_knows_is_the_source_of_a_material_act(code_text):
    ev = one(code_text("The driver of the truck shot at two Kenyan police officers in Nakuru."), "19")
    assert ev["source_text"] == "driver" and ev["source_code"] is None and ev["target_agent"] == "COP"


def test_a_person_no_table_knows_makes_no_statement(code_text):
    assert not code_text("The driver said the road was closed.")


def test_drones_launched_are_the_launchers_own_and_the_target_is_whom_they_hit(code_text):
    ev = one(code_text("Russia launched 150 drones at Ukraine overnight."), "19")
    assert ev["source_code"] == "RUS" and ev["target_code"] == "UKR"


def test_soldiers_killed_by_militants_stay_the_target(code_text):
    ev = one(code_text("Militants killed four Nigerian soldiers in Borno on Sunday."), "19")
    assert ev["target_code"] == "NGAMIL"


# ----------------------------------------------------------------- sanctions, reduced relations

@pytest.mark.parametrize("text,code,source,target", [
    ("Washington paused intelligence sharing with Kyiv on Monday.", "160", "USA", "UKR"),
    ("China retaliated with tariffs on U.S. farm goods.", "163", "CHN", "USA"),
    ("The European Union imposed a travel ban on Belarusian officials.", "163", "IGO", "BLR"),
])
def test_reductions_of_relations_and_sanctions(code_text, text, code, source, target):
    ev = one(code_text(text), "16")
    assert ev["cameo_code"] == code and ev["source_code"].startswith(source) and ev["target_code"].startswith(target)


# ----------------------------------------------------------------- particular events named by a noun

def test_the_kidnapping_of_the_girls_happened(code_text):
    ev = one(code_text("The kidnapping of the schoolgirls shocked Nigeria."), "18")
    assert ev["cameo_code"] == "181" and ev["source_code"] is None and "schoolgirls" in ev["target_text"]


def test_the_arrest_of_a_leader_happened(code_text):
    ev = one(code_text("The arrest of the opposition leader sparked anger in Kampala."), "17")
    assert ev["target_agent"] == "OPP"


def test_a_feared_arrest_and_a_day_named_bombing_are_no_particular_events(code_text):
    assert not find(code_text("They fear the arrest of more activists."), "17")
    assert not find(code_text("The Pakistani Taliban claimed responsibility for Sunday's bombing."), "18")


def test_information_that_leads_to_an_arrest_is_no_arrest(code_text):
    assert not find(code_text("Anyone with information that leads to the arrest of the vandals can call police."), "17")


def test_firefighters_attacking_flames_use_no_force(code_text):
    assert not [e for e in code_text("Firefighters launched an initial attack on the flames in the kitchen.")
                if e["cameo_root"] in ("18", "19", "20")]


@pytest.mark.parametrize("text", [
    "Mayo County Council is sanctioning several major developments in the town.",
    "The orchestra head set off an uproar by performing a concert in Jenin.",
])
def test_approvals_and_uproars_are_no_sanctions_or_bombs(code_text, text):
    assert not [e for e in code_text(text) if e["cameo_root"] in ("16", "18")]


def test_captured_inmates_are_arrested_not_occupied(code_text):
    ev = one(code_text("Three escaped inmates were captured in the Nebraska Sandhills on Tuesday."), "17")
    assert ev["cameo_code"] == "173"


@pytest.mark.parametrize("text,code,target", [
    ("The U.S. paused military assistance to Ukraine last week.", "1622", "UKR"),
    ("Niger expelled French troops in 2023.", "166", "FRAMIL"),
])
def test_paused_aid_and_expelled_forces_reduce_relations(code_text, text, code, target):
    ev = one(code_text(text), "16")
    assert ev["cameo_code"] == code and ev["target_code"] == target
    assert not find(code_text(text), "07")


def test_tariffs_on_a_country_by_a_named_author_are_sanctions(code_text):
    ev = one(code_text("Trump's tariffs on Canadian steel took effect on Wednesday."), "16")
    assert ev["cameo_code"] == "163" and ev["source_code"].startswith("USA") and ev["target_code"] == "CAN"
    assert not find(code_text("Tariffs on steel could raise prices."), "16")


def test_whose_missiles_struck_is_the_source(code_text):
    ev = one(code_text("Russian missiles struck Kyiv overnight."), "19")
    assert ev["source_code"] == "RUS" and ev["source_text"] == "Russian"


def test_fighting_between_two_parties_that_killed_is_mutual(code_text):
    events = find(code_text("Fighting between the Sudanese army and the rebels has killed thousands."), "19")
    assert {(e["source_agent"], e["target_agent"]) for e in events} == {("MIL", "REB"), ("REB", "MIL")}


def test_a_possible_sanction_named_by_a_noun_is_no_event(code_text):
    assert not find(code_text("If the vote passes, the bill could see tariffs on Chinese cars as high as 45%."), "16")


def test_a_person_sentenced_to_prison_is_detained(code_text):
    ev = one(code_text("The opposition leader was sentenced to five years in prison on Monday."), "17")
    assert ev["cameo_code"] == "173" and ev["target_agent"] == "OPP"


def test_clashes_that_a_killing_triggered_happened(code_text):
    events = find(code_text("The killing triggered clashes between police and protesters in Nairobi."), "14")
    assert {(e["source_agent"], e["target_agent"]) for e in events} == {("COP", "CVL"), ("CVL", "COP")}
    assert not find(code_text("Analysts fear the vote could trigger clashes in Nairobi."), "14")


# ----------------------------------------------------------------- senses and directions

def test_receiving_aid_from_a_donor_makes_the_donor_the_source(code_text):
    ev = one(code_text("Egypt has received three loan packages from the World Bank since 2016."), "07")
    assert ev["source_code"] == "IGOWBK" and ev["target_code"] == "EGY"


def test_an_act_sparking_protests_codes_the_protests(code_text):
    assert find(code_text("The court ruling sparked protests in Nairobi on Monday."), "14")
    # criticism drawn is still no criticism by the subject
    assert not find(code_text("The Kenyan court ruling drew criticism on Monday."), "11")


@pytest.mark.parametrize("text", [
    "The city of Springfield annexed the neighboring village in 1889.",
    "The Kenyan minister resigned from his job at the bank in 1999.",
])
def test_municipal_annexation_and_leaving_a_job_are_no_events(code_text, text):
    assert not code_text(text)


def test_a_killing_with_no_weapon_named_is_conventional_force(code_text):
    ev = one(code_text("Boko Haram fighters killed 12 Nigerian soldiers in Borno on Friday."), "19")
    assert ev["cameo_code"] == "190"


@pytest.mark.parametrize("text", [
    "The family moved back into their home in Lahore last year.",
    "Residents moved back to their villages after the floods.",
    "The Kenyan president consoled her son after the funeral.",
])
def test_private_moves_and_kin_consoled_are_no_events(code_text, text):
    assert not code_text(text)


def test_forces_moving_back_from_a_town_still_retreat(code_text):
    assert find(code_text("Rebel fighters moved back from the town of Kidal on Sunday."), "08")


def test_trapped_people_freed_and_towns_annexing_to_cities_are_no_events(code_text):
    assert not code_text("Rescuers worked to free the driver from the wreckage of the car.")
    assert not code_text("In 1965, the town voted to annex to Springfield.")
    assert find(code_text("Kenya freed 20 Somali prisoners on Monday."), "08")


def test_what_police_can_do_is_no_event_but_what_they_did_is(code_text):
    assert not code_text("Kenyan police can arrest the protesters or disperse the crowd, officials said.")
    assert len(code_text("Kenyan police arrested the protesters and dispersed the crowd.")) == 2
