"""model stage of the traincost pipeline."""
