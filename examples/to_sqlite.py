"""Stream a batch run into SQLite, one row per mention.

seedner extract seeds/ -f jsonl | python examples/to_sqlite.py mentions.db
sqlite3 mentions.db "select norm, count(*) from mention where type='ORG'
                     group by norm order by 2 desc limit 10"
"""

import json
import sqlite3
import sys

db = sqlite3.connect(sys.argv[1] if len(sys.argv) > 1 else "mentions.db")
db.execute(
    "create table if not exists mention"
    " (doc text, type text, norm text, text text, start int, end int)"
)
for line in sys.stdin:
    record = json.loads(line)
    db.executemany(
        "insert into mention values (?, ?, ?, ?, ?, ?)",
        [
            (str(record["id"]), e["type"], e["norm"], e["text"], e["start"], e["end"])
            for e in record["entities"]
        ],
    )
db.commit()
print(db.execute("select count(*) from mention").fetchone()[0], "mentions stored", file=sys.stderr)
