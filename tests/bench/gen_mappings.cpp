// Generates large mapping inputs for the load benchmark:
//   ptrd_gen_mappings bulk N   > fleet.txt    N bulk lines "IP hostname"
//   ptrd_gen_mappings yaml N   > fleet.yaml   one PTRMappings document, N records
// Addresses run through 10.0.0.0/8 so every line is unique and valid.
#include <cstdio>
#include <cstdlib>
#include <cstring>

int main(int argc, char** argv) {
  if (argc != 3 || (std::strcmp(argv[1], "bulk") != 0 && std::strcmp(argv[1], "yaml") != 0)) {
    std::fprintf(stderr, "usage: %s bulk|yaml COUNT\n", argv[0]);
    return 2;
  }
  bool yaml = std::strcmp(argv[1], "yaml") == 0;
  long n = std::atol(argv[2]);
  if (yaml)
    std::printf(
        "apiVersion: ptrd.io/v1alpha1\nkind: PTRMappings\nmetadata:\n  name: bench\nspec:\n  "
        "records:\n");
  for (long i = 0; i < n; ++i) {
    unsigned b = unsigned(i >> 16) & 0xff, c = unsigned(i >> 8) & 0xff, d = unsigned(i) & 0xff;
    if (yaml) {
      std::printf("    - ip: 10.%u.%u.%u\n      hostname: host-%u-%u-%u.customers.example.net\n", b,
                  c, d, b, c, d);
    } else {
      std::printf("10.%u.%u.%u host-%u-%u-%u.customers.example.net\n", b, c, d, b, c, d);
    }
  }
  return 0;
}
