//go:build tools

// Package tools pins the Helm 3 and Helm 4 command-line tools that the
// kubefedctl e2e harness builds (see test/e2e/harness/build.ts) to prove
// `kubefedctl federate` as a Helm post-renderer: a plain executable for Helm 3
// (--post-renderer PATH) and the postrenderer/v1 plugin in helm-plugin/ for
// Helm 4. Nothing here is compiled; the blank imports only keep `go mod tidy`
// from pruning them.
package tools

import (
	_ "helm.sh/helm/v3/cmd/helm"
	_ "helm.sh/helm/v4/cmd/helm"
)
