//go:build tools

// Package tools pins the Kubernetes and etcd server binaries that the
// kubefedctl e2e harness builds (see test/e2e/harness/build.ts). Nothing here
// is compiled; the blank imports only keep `go mod tidy` from pruning them.
package tools

import (
	_ "go.etcd.io/etcd/server/v3"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
)
