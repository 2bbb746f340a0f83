#!/usr/bin/env python3
"""Checks codejury's TRL-format exports with the standard library only: usage check_trl.py FORMAT FILE...

Reads every line with json and asserts the columns TRL documents for the trainer that loads the
format (DPOTrainer: prompt/chosen/rejected; RewardTrainer: implicit prompt chosen/rejected, optional
margin; KTOTrainer: prompt/completion/label; SFTTrainer: prompt/completion), that each column keeps
one type across the file (standard strings or conversational message lists), that no other column
uses a name TRL reserves, and that every row names its record. Prints one JSON summary line per file;
exits 1 on the first problem, naming the file, line and column.
"""
import json
import sys

ROLES = {"system", "user", "assistant"}
RESERVED = {
    "text", "messages", "prompt", "completion", "chosen", "rejected", "label", "labels", "margin",
    "images", "image", "tools", "input_ids", "attention_mask", "completion_mask", "assistant_masks",
    "input_ids_chosen", "attention_mask_chosen", "input_ids_rejected", "attention_mask_rejected",
    "ref_chosen_logps", "ref_rejected_logps", "reference_logps", "reference_kl_logps",
}
COLUMNS = {
    "dpo": ({"prompt", "chosen", "rejected"}, {"margin"}),
    "reward": ({"chosen", "rejected"}, {"margin"}),
    "kto": ({"prompt", "completion", "label"}, set()),
    "sft": ({"prompt", "completion"}, set()),
}
COMPLETIONS = {"chosen", "rejected", "completion"}


class Problem(Exception):
    pass


def kind(value, where):
    """'standard' for a string, 'conversational' for a list of {role, content} messages."""
    if isinstance(value, str):
        return "standard"
    if isinstance(value, list) and value:
        for m in value:
            if not isinstance(m, dict) or set(m) != {"role", "content"}:
                raise Problem(f"{where}: a message must be exactly {{role, content}}, got {m!r}")
            if m["role"] not in ROLES or not isinstance(m["content"], str):
                raise Problem(f"{where}: bad message {m!r}")
        return "conversational"
    raise Problem(f"{where}: expected a string or a non-empty message list, got {type(value).__name__}")


def check_row(fmt, row, where, kinds):
    required, optional = COLUMNS[fmt]
    missing = required - set(row)
    if missing:
        raise Problem(f"{where}: missing {sorted(missing)}")
    if fmt == "reward" and "prompt" in row:
        raise Problem(f"{where}: reward rows take the implicit prompt form, no prompt column")
    for key in set(row) & RESERVED - required - optional:
        raise Problem(f"{where}: column {key!r} is reserved by TRL")
    for key in ("task_id", "revision", "record_hash"):
        if key not in row:
            raise Problem(f"{where}: missing {key}")
    if not isinstance(row["task_id"], str) or not isinstance(row["revision"], int) or len(row["record_hash"]) != 64:
        raise Problem(f"{where}: task_id, revision or record_hash has the wrong type")
    for col in sorted(required - {"label"}, key=["prompt", "chosen", "rejected", "completion"].index):
        k = kind(row[col], f"{where}: {col}")
        if kinds.setdefault(col, k) != k:
            raise Problem(f"{where}: column {col} is {k} here but {kinds[col]} on an earlier line")
        if k == "conversational" and col in COMPLETIONS and row[col][-1]["role"] != "assistant":
            raise Problem(f"{where}: {col} must end with an assistant message")
    if fmt == "kto" and not isinstance(row["label"], bool):
        raise Problem(f"{where}: label must be a boolean")
    if "margin" in row and (isinstance(row["margin"], bool) or not isinstance(row["margin"], (int, float)) or row["margin"] < 0):
        raise Problem(f"{where}: margin must be a non-negative number")
    if fmt == "reward":
        c, r = row["chosen"], row["rejected"]
        same = c[:-1] == r[:-1] if isinstance(c, list) else c.split("\n\n")[0] == r.split("\n\n")[0]
        if not same:
            raise Problem(f"{where}: chosen and rejected must share the implicit prompt")
    if fmt == "dpo" and kinds.get("prompt") == "conversational" and row["prompt"][-1]["role"] == "assistant":
        raise Problem(f"{where}: a conversational prompt must not end with the answer")


def check_file(fmt, path):
    kinds = {}
    rows = 0
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            check_row(fmt, json.loads(line), f"{path}:{n}", kinds)
            rows += 1
    if rows == 0:
        raise Problem(f"{path}: no rows")
    return {"file": path, "format": fmt, "rows": rows, "kinds": kinds}


def main(argv):
    if len(argv) < 3 or argv[1] not in COLUMNS:
        print(f"usage: check_trl.py {'|'.join(COLUMNS)} FILE...", file=sys.stderr)
        return 2
    try:
        for path in argv[2:]:
            print(json.dumps(check_file(argv[1], path)))
    except (Problem, ValueError) as err:
        print(f"check_trl: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
