"""parallel stage of the traincost pipeline."""
