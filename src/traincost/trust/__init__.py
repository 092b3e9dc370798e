"""trust stage of the traincost pipeline."""
