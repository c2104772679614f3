{{notice}}
