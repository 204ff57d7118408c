from seedner.cli import main

main()
