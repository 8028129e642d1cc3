from pipeline.evaluate import GoldRecord, score


def rec(id, events, relevant=True, level="full"):
    return GoldRecord(id, "text", None, level, relevant, events)


def pred(root, code, src=None, tgt=None, src_text=None, tgt_text=None):
    return {"cameo_root": root, "cameo_code": code, "source_code": src, "target_code": tgt,
            "source_text": src_text, "target_text": tgt_text}


def test_root_full_triple_and_false_positives():
    records = [
        rec("a", [{"source": "FRA", "code": "111", "root": "11", "target": "SYRGOV"}]),
        rec("b", [{"source": "USA", "code": "042", "root": "04", "target": "CHN"}]),
        rec("c", [], relevant=False),
    ]
    preds = {
        "a": [pred("11", "112", "FRAGOV", "SYRGOV")],  # root right, code wrong, triple right
        "b": [pred("04", "042", "RUS", "CHN"), pred("19", "190", "USA", "CHN")],  # triple wrong source
        "c": [pred("01", "010", "USA")],
    }
    m = score(records, preds)
    assert (m["root"]["tp"], m["root"]["predicted"], m["root"]["gold"]) == (2, 4, 2)
    assert m["full"]["tp"] == 1 and m["triple"]["tp"] == 1
    assert m["false_positive_rate"] == 1.0
    assert m["per_root"]["19"]["precision"] == 0.0 and m["per_root"]["11"]["recall"] == 1.0
    assert {"gold": "none", "predicted": "19", "count": 1} in m["confusions"]
    assert m["actor_country_accuracy"]["source"] == 0.5


def test_root_level_records_match_actor_text():
    records = [rec("a", [{"code": None, "root": "19", "source_text": "Syrian troops", "target_text": "rebels"}], level="root")]
    ok = score(records, {"a": [pred("19", "190", "SYRMIL", "SYRREB", "Syrian government troops", "the rebels")]})
    bad = score(records, {"a": [pred("19", "190", "SYRMIL", "TURMIL", "Syrian government troops", "Turkish army")]})
    assert ok["triple"]["tp"] == 1 and bad["triple"]["tp"] == 0
