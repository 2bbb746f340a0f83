#!/usr/bin/env python3
"""Checks codejury's TRL-format exports with the standard library only.

usage: check_trl.py FORMAT FILE...      (FORMAT: dpo, reward, kto, sft)
       check_trl.py pair DPO_FILE REWARD_FILE

Reads every line with json and asserts the columns TRL documents for the trainer that loads the
format (DPOTrainer: prompt/chosen/rejected; RewardTrainer: implicit prompt chosen/rejected, optional
margin; KTOTrainer: prompt/completion/label; SFTTrainer: prompt/completion), that each column keeps
one type across the file (standard strings or conversational message lists), that no other column
uses a name TRL reserves, and that every row names its record. TRL joins a standard row's prompt
and completion as they are, so a standard prompt must end in whitespace. A kto file must have no
two neighbours sharing a prompt whenever its prompts allow that (TRL pairs each row with another
row's completion for the KL term). `pair` asserts that each reward row is exactly the dpo row of
the same pair: prompt + chosen and prompt + rejected (message lists concatenated).
Prints one JSON summary line per file; exits 1 on the first problem, naming the file, line and column.
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
# The whitespace a standard prompt may end in; codejury's exporter uses the same set.
BOUNDARY = " \t\n\r\f\v"


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
    if "prompt" in row and isinstance(row["prompt"], str) and row["prompt"] and row["prompt"][-1] not in BOUNDARY:
        raise Problem(f"{where}: the prompt must end in whitespace, or TRL glues the completion to its last word")
    if fmt == "reward" and isinstance(row["chosen"], list) and row["chosen"][:-1] != row["rejected"][:-1]:
        raise Problem(f"{where}: chosen and rejected must share the implicit prompt")
    if fmt == "dpo" and kinds.get("prompt") == "conversational" and row["prompt"][-1]["role"] == "assistant":
        raise Problem(f"{where}: a conversational prompt must not end with the answer")


def read_rows(path):
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                yield n, json.loads(line)


def prompt_key(prompt):
    return json.dumps(prompt, sort_keys=True)


def check_neighbours(path, prompts):
    """No two neighbours share a prompt, unless one prompt holds more than half the rows (then no order can)."""
    counts = {}
    for key in prompts:
        counts[key] = counts.get(key, 0) + 1
    possible = bool(counts) and max(counts.values()) <= (len(prompts) + 1) // 2
    same = [i + 1 for i in range(1, len(prompts)) if prompts[i] == prompts[i - 1]]
    if possible and same:
        raise Problem(f"{path}: rows {same[0]} and {same[0] + 1} share a prompt ({len(same)} neighbouring pairs do)")
    return len(same)


def check_file(fmt, path):
    kinds = {}
    rows = 0
    prompts = []
    labels = {True: 0, False: 0}
    for n, row in read_rows(path):
        check_row(fmt, row, f"{path}:{n}", kinds)
        rows += 1
        if fmt == "kto":
            prompts.append(prompt_key(row["prompt"]))
            labels[row["label"]] += 1
    if rows == 0:
        raise Problem(f"{path}: no rows")
    summary = {"file": path, "format": fmt, "rows": rows, "kinds": kinds}
    if fmt == "kto":
        summary.update(shared_neighbours=check_neighbours(path, prompts), desirable=labels[True], undesirable=labels[False])
    return summary


def check_pair(dpo_path, reward_path):
    """Each reward row is exactly its dpo row's prompt + chosen / prompt + rejected, in the same order."""
    dpo = list(read_rows(dpo_path))
    reward = list(read_rows(reward_path))
    if len(dpo) != len(reward) or not dpo:
        raise Problem(f"{reward_path}: {len(reward)} reward rows for {len(dpo)} dpo rows")
    for (n, d), (_, r) in zip(dpo, reward):
        where = f"{reward_path}:{n}"
        ident = ("task_id", "revision", "chosen_id", "rejected_id")
        if [d[k] for k in ident] != [r[k] for k in ident]:
            raise Problem(f"{where}: names another pair than {dpo_path}:{n}")
        for col in ("chosen", "rejected"):
            if r[col] != d["prompt"] + d[col]:
                raise Problem(f"{where}: {col} is not the dpo row's prompt + {col}")
    return {"file": reward_path, "format": "pair", "rows": len(reward)}


def main(argv):
    if argv[1:2] == ["pair"] and len(argv) == 4:
        try:
            print(json.dumps(check_pair(argv[2], argv[3])))
        except (Problem, ValueError, KeyError, TypeError) as err:
            print(f"check_trl: {err}", file=sys.stderr)
            return 1
        return 0
    if len(argv) < 3 or argv[1] not in COLUMNS:
        print(f"usage: check_trl.py {'|'.join(COLUMNS)} FILE... | check_trl.py pair DPO_FILE REWARD_FILE", file=sys.stderr)
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
