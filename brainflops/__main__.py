from brainflops.cli import main

main()
