"""money stage of the traincost pipeline."""
