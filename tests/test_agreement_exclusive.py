"""Exclusive themes: the codebook flag, the confusion table and the multi-valued alpha."""

from __future__ import annotations

import numpy as np
import pytest

from qualcode.agreement import exclusive
from qualcode.agreement.results import MISSING, LineUnits
from qualcode.coding import codebook
from qualcode.errors import InputError
from qualcode.store.project import Project

krippendorff = pytest.importorskip("krippendorff")

YAML = """codes:
  - name: werkwijze
    exclusive: true
    children:
      - name: methodiek
      - name: casusoverleg
  - name: veiligheid
"""


def test_codebook_flag_round_trips_and_is_validated(tmp_path):
    spec = codebook.parse(YAML)
    assert [c.exclusive for c in spec.codes] == [True, False, False, False]
    with Project.create(tmp_path / "p.db") as p:
        codebook.apply(p, spec, "lead")
        assert codebook.exclusive_themes(p) == {"werkwijze": ["methodiek", "casusoverleg"]}
        again = codebook.parse(codebook.to_yaml(p))
        assert [c.name for c in again.codes if c.exclusive] == ["werkwijze"]
        # renaming the theme keeps the flag; dropping it from the YAML clears it
        codebook.edit_code(p, "werkwijze", "lead", name="aanpak")
        assert codebook.exclusive_themes(p) == {"aanpak": ["methodiek", "casusoverleg"]}
        codebook.apply(p, codebook.parse(codebook.to_yaml(p).replace("exclusive: true", "exclusive: false")), "lead")
        assert codebook.exclusive_themes(p) == {}
    with pytest.raises(InputError, match=r"exclusive of 'werkwijze' must be true or false") as e:
        codebook.parse(YAML.replace("exclusive: true", "exclusive: misschien"))
    assert e.value.line == 3


def test_multi_valued_alpha_and_confusion_against_krippendorff():
    rng = np.random.default_rng(3)
    n, coders = 300, ["anna", "bram", "carl"]
    truth = rng.integers(0, 3, size=n)  # 0 methodiek, 1 casusoverleg, 2 neither
    cats = np.where(rng.random((3, n)) < 0.2, rng.integers(0, 3, size=(3, n)), truth)
    missing = rng.random((3, n)) < 0.1
    values = {
        name: np.where(missing, MISSING, (cats == k).astype(np.int8)).astype(np.int8)
        for k, name in enumerate(["methodiek", "casusoverleg"])
    }
    values["methodiek"][0, 5] = values["casusoverleg"][0, 5] = 1  # anna breaks the rule once
    units = LineUnits(coders, ["T"], np.zeros(n, dtype=np.int64), np.arange(1, n + 1), values)
    ex = exclusive.analyse_theme(units, "werkwijze", ["methodiek", "casusoverleg"])
    assert ex.conflicts == {"anna": 1, "bram": 0, "carl": 0}
    data = np.where(missing, np.nan, cats.astype(float))
    data[0, 5] = np.nan  # the conflicting value is left out
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert ex.alpha.value == pytest.approx(expected, abs=1e-9)
    # confusion of anna (rows) and bram (columns) on lines both finished
    both = ~np.isnan(data[0]) & ~np.isnan(data[1])
    m = np.zeros((3, 3))
    for a, b in zip(cats[0][both], cats[1][both], strict=True):
        m[a, b] += 1
    assert (ex.confusion["anna|bram"] == m).all()
    assert ex.categories == ["methodiek", "casusoverleg", "(none)"]
