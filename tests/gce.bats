#!/usr/bin/env bats
# gce.bats: solo5-gce against a recording stand-in for gcloud (first on
# PATH): the exact command lines of each step, --dry-run, and every check
# that must stop it before anything is created. No network is used.

bats_require_minimum_version 1.5.0
load lib

GCE=$BIN/solo5-gce

setup() {
    [ -x "$GCE" ] || { echo "$GCE is not built (run make)" >&2; return 1; }
    export FAKE_GCLOUD_LOG=$BATS_TEST_TMPDIR/gcloud.log
    : >"$FAKE_GCLOUD_LOG"
    export FAKE_GCLOUD_ACCOUNT=dev@example.com
    export FAKE_GCLOUD_PROJECT=solo5-test
    export FAKE_GCLOUD_ZONE=europe-west1-b
    export PATH=$TOP/tests/imagegen/fake-cloud:$PATH
    TAR=$BATS_TEST_TMPDIR/hello.tar.gz
    printf 'x' | gzip -n >"$TAR"
}

# calls: what the stand-in recorded, without the configuration reads.
calls() {
    grep -v '^gcloud config get-value ' "$FAKE_GCLOUD_LOG" || true
}

# expect_calls LINE...: the recorded changing calls are exactly LINE...
expect_calls() {
    local want
    want=$(printf '%s\n' "$@")
    if [ "$(calls)" != "$want" ]; then
        echo "expected calls:" >&2
        echo "$want" >&2
        echo "--- recorded:" >&2
        calls >&2
        return 1
    fi
}

# expect_refused REGEX: one error line matching REGEX, status 1, and no
# command that changes anything reached gcloud.
expect_refused() {
    expect_status 1
    expect_line "^solo5-gce: error: .*$1"
    [ -z "$(calls)" ] || { echo "gcloud was called: $(calls)" >&2; return 1; }
}

@test "upload: gcloud storage cp, never gsutil" {
    run "$GCE" upload "$TAR" gs://solo5-images/hello.tar.gz
    expect_status 0
    expect_calls "gcloud storage cp $TAR gs://solo5-images/hello.tar.gz --project=solo5-test"
    if grep -q gsutil "$FAKE_GCLOUD_LOG"; then
        cat "$FAKE_GCLOUD_LOG" >&2
        return 1
    fi
}

@test "upload: a bare bucket gets the file's own name" {
    run "$GCE" upload "$TAR" gs://solo5-images
    expect_status 0
    expect_calls "gcloud storage cp $TAR gs://solo5-images/hello.tar.gz --project=solo5-test"
}

@test "image-create: --source-uri, UEFI_COMPATIBLE only when asked, never GVNIC" {
    run "$GCE" image-create hello gs://solo5-images/hello.tar.gz
    expect_status 0
    run "$GCE" --project other-proj image-create hello-uefi gs://solo5-images/hello.tar.gz --uefi --family solo5
    expect_status 0
    expect_calls \
        "gcloud compute images create hello --project=solo5-test --source-uri=gs://solo5-images/hello.tar.gz" \
        "gcloud compute images create hello-uefi --project=other-proj --source-uri=gs://solo5-images/hello.tar.gz --family=solo5 --guest-os-features=UEFI_COMPATIBLE"
    if grep -q GVNIC "$FAKE_GCLOUD_LOG"; then
        cat "$FAKE_GCLOUD_LOG" >&2
        return 1
    fi
}

@test "instance-create: serial console on, default machine type e2-small" {
    run "$GCE" instance-create vm1 --image hello
    expect_status 0
    run "$GCE" --zone us-central1-a instance-create vm2 --image hello --machine-type n2d-standard-2
    expect_status 0
    expect_calls \
        "gcloud compute instances create vm1 --project=solo5-test --zone=europe-west1-b --machine-type=e2-small --image=hello --image-project=solo5-test --metadata=serial-port-enable=TRUE" \
        "gcloud compute instances create vm2 --project=solo5-test --zone=us-central1-a --machine-type=n2d-standard-2 --image=hello --image-project=solo5-test --metadata=serial-port-enable=TRUE"
}

@test "serial: prints the instance's serial port output" {
    printf 'Hello, World\nSUCCESS\n' >"$BATS_TEST_TMPDIR/serial"
    export FAKE_GCLOUD_SERIAL=$BATS_TEST_TMPDIR/serial
    run "$GCE" serial vm1
    expect_status 0
    expect_line '^SUCCESS$'
    expect_calls "gcloud compute instances get-serial-port-output vm1 --project=solo5-test --zone=europe-west1-b --port=1"
}

@test "group-create: an instance template, then a managed group of N" {
    run "$GCE" group-create web --image hello --size 3 --machine-type n1-standard-1
    expect_status 0
    expect_calls \
        "gcloud compute instance-templates create web-template --project=solo5-test --machine-type=n1-standard-1 --image=hello --image-project=solo5-test --metadata=serial-port-enable=TRUE" \
        "gcloud compute instance-groups managed create web --project=solo5-test --zone=europe-west1-b --template=web-template --size=3"
}

@test "group-create: a failing template stops before the group" {
    export FAKE_GCLOUD_FAIL=instance-templates
    run "$GCE" group-create web --image hello --size 2
    expect_status 1
    if grep -q 'instance-groups managed create' "$FAKE_GCLOUD_LOG"; then
        cat "$FAKE_GCLOUD_LOG" >&2
        return 1
    fi
}

@test "delete: instance, group (then its template), image, object" {
    run "$GCE" delete instance vm1
    expect_status 0
    run "$GCE" delete group web
    expect_status 0
    run "$GCE" delete image hello
    expect_status 0
    run "$GCE" delete object gs://solo5-images/hello.tar.gz
    expect_status 0
    expect_calls \
        "gcloud compute instances delete vm1 --project=solo5-test --zone=europe-west1-b --quiet" \
        "gcloud compute instance-groups managed delete web --project=solo5-test --zone=europe-west1-b --quiet" \
        "gcloud compute instance-templates delete web-template --project=solo5-test --quiet" \
        "gcloud compute images delete hello --project=solo5-test --quiet" \
        "gcloud storage rm gs://solo5-images/hello.tar.gz --project=solo5-test"
}

@test "--dry-run prints the exact commands and runs none of them" {
    run "$GCE" --dry-run upload "$TAR" gs://solo5-images/a\ b.tar.gz
    expect_status 0
    [ "$output" = "gcloud storage cp $TAR gs://solo5-images/a\\ b.tar.gz --project=solo5-test" ]
    run "$GCE" --dry-run group-create web --image hello --size 2
    expect_status 0
    [ "${lines[0]}" = "gcloud compute instance-templates create web-template --project=solo5-test --machine-type=e2-small --image=hello --image-project=solo5-test --metadata=serial-port-enable=TRUE" ]
    [ "${lines[1]}" = "gcloud compute instance-groups managed create web --project=solo5-test --zone=europe-west1-b --template=web-template --size=2" ]
    [ -z "$(calls)" ]
}

@test "refused: no gcloud on PATH" {
    # This machine may have the real Cloud CLI in /usr/bin: a PATH of only
    # the tools the script needs keeps it out of reach.
    local bin=$BATS_TEST_TMPDIR/bin t
    mkdir "$bin"
    for t in cat head od tr wc basename; do
        ln -s "$(command -v $t)" "$bin/$t"
    done
    PATH=$bin run "$GCE" image-create hello gs://solo5-images/hello.tar.gz
    expect_status 1
    expect_line '^solo5-gce: error: gcloud: not found on PATH'
}

@test "refused: no active account, no project, no zone" {
    FAKE_GCLOUD_ACCOUNT= run "$GCE" image-create hello gs://solo5-images/hello.tar.gz
    expect_refused 'no active account'
    FAKE_GCLOUD_PROJECT='(unset)' run "$GCE" image-create hello gs://solo5-images/hello.tar.gz
    expect_refused 'no project'
    FAKE_GCLOUD_ZONE= run "$GCE" instance-create vm1 --image hello
    expect_refused 'no zone'
    run "$GCE" --project Bad_Project image-create hello gs://solo5-images/hello.tar.gz
    expect_refused "project 'Bad_Project': not a valid project ID"
}

@test "refused: image, instance and group names GCE would refuse" {
    run "$GCE" image-create Hello gs://solo5-images/hello.tar.gz
    expect_refused "image 'Hello': use lower-case"
    run "$GCE" image-create 1hello gs://solo5-images/hello.tar.gz
    expect_refused "image '1hello'"
    run "$GCE" image-create hello- gs://solo5-images/hello.tar.gz
    expect_refused "image 'hello-'"
    run "$GCE" image-create "$(printf 'a%.0s' {1..64})" gs://solo5-images/hello.tar.gz
    expect_refused 'longer than 63 characters'
    run "$GCE" instance-create vm_1 --image hello
    expect_refused "instance 'vm_1'"
    run "$GCE" group-create "$(printf 'g%.0s' {1..55})" --image hello --size 1
    expect_refused 'longer than 54 characters'
    run "$GCE" group-create web --image hello --size 0
    expect_refused "--size '0'"
}

@test "refused: bucket and object names Cloud Storage would refuse" {
    for b in ab Bucket -bucket bucket- goog-images my-google-bucket 192.168.1.1 'a..b' bu\$ket; do
        run "$GCE" upload "$TAR" "gs://$b/hello.tar.gz"
        expect_refused "bucket '"
    done
    run "$GCE" upload "$TAR" "gs://$(printf 'b%.0s' {1..64})/x.tar.gz"
    expect_refused 'longer than 63 characters'
    run "$GCE" image-create hello gs://solo5-images/hello.raw
    expect_refused 'only files named \*.tar.gz'
    run "$GCE" image-create hello https://example.com/hello.tar.gz
    expect_refused 'not a gs://'
    run "$GCE" image-create hello gs://solo5-images
    expect_refused 'no object name'
}

@test "refused: machine series without virtio-net/virtio-scsi; --force warns" {
    for t in c3-standard-4 c3d-standard-4 c4-standard-2 n4-standard-2 h3-standard-88 z3-highmem-88 m3-megamem-64; do
        run "$GCE" instance-create vm1 --image hello --machine-type "$t"
        expect_refused 'needs gVNIC and NVMe'
    done
    run "$GCE" instance-create vm1 --image hello --machine-type t2a-standard-1
    expect_refused 'Arm'
    run "$GCE" instance-create vm1 --image hello --machine-type c3-standard-4 --force
    expect_status 0
    expect_line 'warning: .*C3 series'
    for t in e2-micro n1-standard-1 n2-standard-2 n2d-standard-2 t2d-standard-1 c2-standard-4 c2d-standard-2; do
        run "$GCE" --dry-run instance-create vm1 --image hello --machine-type "$t"
        expect_status 0
        no_warn=$(grep -c warning <<<"$output" || true)
        [ "$no_warn" -eq 0 ]
    done
}

@test "refused: a missing or non-gzip upload, bad commands and options" {
    run "$GCE" upload "$BATS_TEST_TMPDIR/none.tar.gz" gs://solo5-images/x.tar.gz
    expect_refused 'none.tar.gz: no such file'
    echo plain >"$BATS_TEST_TMPDIR/plain.tar.gz"
    run "$GCE" upload "$BATS_TEST_TMPDIR/plain.tar.gz" gs://solo5-images/x.tar.gz
    expect_refused 'not a gzip file'
    run "$GCE" launch vm1
    expect_refused "unknown command 'launch'"
    run "$GCE" --frobnicate serial vm1
    expect_refused 'unknown option --frobnicate'
    run "$GCE" delete disk d1
    expect_refused "unknown kind 'disk'"
    run "$GCE"
    expect_refused 'no command'
    run "$GCE" --help
    expect_status 0
    expect_line '^usage: solo5-gce'
}
