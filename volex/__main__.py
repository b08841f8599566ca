from volex.cli import main

main()
