//go:build tools

// Package tools pins the kustomize command-line tool that the kubefedctl e2e
// harness builds (see test/e2e/harness/build.ts) to prove `kubefedctl-krm` as an
// exec KRM function (kustomize build --enable-alpha-plugins --enable-exec).
// Nothing here is compiled; the blank import only keeps `go mod tidy` from
// pruning it.
package tools

import (
	_ "sigs.k8s.io/kustomize/kustomize/v5"
)
