// Prints Cobra v1.10.2's completion scripts for a root command named like os.Args[1].
package main

import (
	"os"

	"github.com/spf13/cobra"
)

func main() {
	root := &cobra.Command{Use: os.Args[1]}
	root.AddCommand(&cobra.Command{Use: "version", Run: func(*cobra.Command, []string) {}})
	out := os.Stdout
	desc := os.Args[3] == "desc"
	switch os.Args[2] {
	case "bash":
		_ = root.GenBashCompletionV2(out, desc)
	case "zsh":
		if desc {
			_ = root.GenZshCompletion(out)
		} else {
			_ = root.GenZshCompletionNoDesc(out)
		}
	case "fish":
		_ = root.GenFishCompletion(out, desc)
	case "powershell":
		if desc {
			_ = root.GenPowerShellCompletionWithDesc(out)
		} else {
			_ = root.GenPowerShellCompletion(out)
		}
	}
}
