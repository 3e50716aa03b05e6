/**
 * Shell completion scripts. Each is a thin shim that hands the words typed so far to the hidden
 * `streambus __complete WORDS...` route, so completion always matches the installed binary's commands
 * and flags (they come from the same declarations as help and docs).
 */

export const COMPLETION_SCRIPTS: Record<"bash" | "zsh" | "fish", string> = {
  bash: `# streambus completion for bash: add to ~/.bashrc:  source <(streambus completion bash)
_streambus_complete() {
  local IFS=$'\\n'
  COMPREPLY=( $(streambus __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null) )
}
complete -o default -F _streambus_complete streambus
`,
  zsh: `#compdef streambus
# streambus completion for zsh: add to ~/.zshrc:  source <(streambus completion zsh)
_streambus() {
  local -a candidates
  candidates=("\${(@f)$(streambus __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  compadd -a candidates
}
compdef _streambus streambus
`,
  fish: `# streambus completion for fish: streambus completion fish > ~/.config/fish/completions/streambus.fish
function __streambus_complete
    set -l tokens (commandline -opc) (commandline -ct)
    streambus __complete $tokens[2..-1] 2>/dev/null
end
complete -c streambus -f -a '(__streambus_complete)'
`,
};
