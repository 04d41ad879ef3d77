// Placeholder until the server lands in this session.
int main() { return 0; }
