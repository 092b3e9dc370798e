"""decide stage of the traincost pipeline."""
