from traincost.cli import main

main()
