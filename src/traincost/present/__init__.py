"""present stage of the traincost pipeline."""
