#!/bin/sh
# A generic CI step: plan the Terraform change, apply it in memory to the latest sgaudit snapshot,
# write the exposure delta to whatif.md (Markdown, for the pipeline to post on the merge request),
# and exit as sgaudit does: 0 nothing at or above the gate added, 1 exposure added, 2 bad input.
#
#   SGAUDIT_STORE   where the nightly scan writes snapshots: a directory, s3://… or oss://… (docs/object-storage.md)
#   SGAUDIT_FAIL_ON the gate severity (default high)
#   TF_DIR          the Terraform root module (default .)
#
# Credentials come from the environment (the Alibaba Cloud default chain), never from arguments.
set -eu

: "${SGAUDIT_STORE:?set SGAUDIT_STORE to the snapshot store, e.g. oss://audit-bucket/sgaudit}"
FAIL_ON="${SGAUDIT_FAIL_ON:-high}"
cd "${TF_DIR:-.}"

terraform init -input=false
terraform plan -input=false -lock=false -out plan.out
terraform show -json plan.out > plan.json

set +e
npx --yes sgaudit whatif "$SGAUDIT_STORE" --change plan.json --fail-on "$FAIL_ON" --format markdown > whatif.md
code=$?
set -e

cat whatif.md
exit "$code"
