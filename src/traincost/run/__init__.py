"""run stage of the traincost pipeline."""
