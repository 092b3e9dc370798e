"""hardware stage of the traincost pipeline."""
