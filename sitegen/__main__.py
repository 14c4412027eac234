from sitegen.commands.cli import main

main()
