//go:build tools

// Package tools pins the krew command-line tool that the kubefedctl e2e harness
// builds (see test/e2e/harness/build.ts) to prove the release archive installs
// as a krew plugin (test/e2e/release.test.ts). Nothing here is compiled; the
// blank import only keeps `go mod tidy` from pruning it.
package tools

import (
	_ "sigs.k8s.io/krew/cmd/krew"
)
