"""The Python API: texts in, typed entities out."""

import seedner

texts = [
    "国务院总理李鹏今天在北京会见了联合国秘书长。",
    "2023年9月15日，上海市科委在张江召开座谈会。",
    "中國科學技術協會主席萬鋼出席會議。",  # traditional script: norms come out simplified
]
for result in seedner.extract(texts):
    print(f"document {result.id}")
    for e in result.entities:
        print(f"  {e.type:<4} {e.text!r:<24} norm={e.norm!r:<16} [{e.start}:{e.end}]")
