"""Model card text of the generalist embedded model, from its ``training.json``."""

from __future__ import annotations

import json
from pathlib import Path


def generalist_card(out: Path, command: str) -> str:
    report = json.loads((out / "training.json").read_text(encoding="utf-8"))
    rows = "\n".join(
        f"| {e['epoch']} | {e['loss']:.3f} | "
        + " | ".join(f"{v:.4f}" for v in e["dev_f1"].values())
        + f" | {e['mean_f1']:.4f} | {e['lr']:.5f} | {e['seconds']:.0f} |"
        for e in report["epochs"]
    )
    names = list(report["dev"])
    return f"""# Model card: {out.name}

```
{command}
```

| epoch | loss | {" | ".join(names)} | mean | lr | seconds |
|---|---|{"---|" * len(names)}---|---|---|
{rows}
"""
