// Compiled as C++ to prove nerve.h is usable from C++: the declarations must have C linkage (the program
// would not link otherwise) and the header must compile warning-free.
#include <nerve.h>

#include <cstdio>
#include <cstring>

int main()
{
    nerve_train_options opts;
    nerve_train_options_init(&opts);
    nerve_net *net = nullptr;
    nerve_free(net);
    const bool versions_match = std::strcmp(nerve_version(), NERVE_VERSION_STRING) == 0;
    std::printf("nerve.h from C++: library %s, header %s, default epochs %d\n", nerve_version(),
                NERVE_VERSION_STRING, static_cast<int>(opts.epochs));
    return versions_match && opts.struct_size == sizeof opts ? 0 : 1;
}
