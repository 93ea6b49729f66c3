from ktgs.cli import main

main()
