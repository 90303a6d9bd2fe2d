//go:build tools
// +build tools

// Package tools pins the KubeFed v0.10.0 controller-manager (and the original
// Go kubefedctl, usable as a reference oracle) that the kubefedctl e2e harness
// builds (see test/e2e/harness/build.ts). Nothing here is compiled; the blank
// imports only keep `go mod tidy` from pruning them.
package tools

import (
	_ "sigs.k8s.io/kubefed/cmd/controller-manager"
	_ "sigs.k8s.io/kubefed/cmd/kubefedctl"
)
