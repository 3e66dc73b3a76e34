import os
import random

from tests.diagnose.classes8_gen import CLASSES, Ctx
from tests.diagnose.logged import diagnose


def test_dump(pg_cluster, tmp_path):
    name = pg_cluster.create_database()
    ctx = Ctx(pg_cluster.dsn(name), tmp_path)
    want = [w.split(":") for w in os.environ["DUMP"].split(",")]
    gens = {g.__name__: g for gs in CLASSES.values() for g in gs}
    for gname, seed in want:
        ex, exp = gens[gname](random.Random(int(seed)), ctx)
        d = diagnose(ex)
        open(f"/tmp/i17/{gname}_{seed}.txt","w").write(ex)
        print(f"\n==== {gname} seed {seed} expected {exp} got {d.category} {d.confidence} {d.rule} | {d.summary}\n{ex}")
    pg_cluster.drop_database(name)
