"""Lints every policy document documents.ts prints with parliament (duo-labs/parliament, pinned in
run.sh), a linter nobody here wrote. A finding fails unless allowlist.json accepts it with a
reason (an entry's "detail" equals the finding's, or its "detailPattern" matches it whole); an
allow-list entry that matches nothing fails too, so the list stays reviewed."""

import json
import re
import sys

from parliament import analyze_policy_string


def main() -> int:
    documents = json.load(sys.stdin)
    with open(sys.argv[1], encoding="utf-8") as f:
        allowlist = json.load(f)
    used = [0] * len(allowlist)
    failures = []
    for doc in documents:
        policy = analyze_policy_string(json.dumps(doc["document"]))
        for finding in policy.findings:
            where = f'{doc["stack"]}: {doc["resource"]} {doc["key"]}'
            accepted = None
            for i, entry in enumerate(allowlist):
                if (
                    entry["issue"] == finding.issue
                    and entry["key"] == doc["key"]
                    and re.search(entry["resource"], doc["resource"])
                    and ("detail" not in entry or entry["detail"] == finding.detail)
                    and (
                        "detailPattern" not in entry
                        or re.fullmatch(entry["detailPattern"], str(finding.detail))
                    )
                ):
                    accepted = i
                    break
            if accepted is None:
                failures.append(f"{where}: {finding.issue} {json.dumps(finding.detail)[:300]}")
            else:
                used[accepted] += 1
    for entry, count in zip(allowlist, used):
        if count == 0:
            failures.append(f'allow-list entry matches nothing, remove it: {json.dumps(entry)}')
    print(f"parliament: {len(documents)} policy documents, {sum(used)} accepted findings")
    for line in failures:
        print(f"  {line}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
