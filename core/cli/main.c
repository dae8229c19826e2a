#include <stdio.h>
int main(void) { puts("dnnrepair"); return 0; }
