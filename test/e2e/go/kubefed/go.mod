// Wrapper module for the kubefedctl e2e harness (test/e2e/harness/build.ts): builds KubeFed v0.10.0's
// controller-manager and the original Go kubefedctl. KubeFed pins json-iterator v1.1.11 / reflect2 v1.0.1,
// which crash on Go >= 1.18; requiring json-iterator v1.1.12 selects reflect2 v1.0.2.
module kubefedctl.e2e/kubefed

go 1.16

require (
	github.com/json-iterator/go v1.1.12 // indirect
	sigs.k8s.io/kubefed v0.10.0
)
