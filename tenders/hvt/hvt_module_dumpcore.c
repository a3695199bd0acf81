/* hvt_module_dumpcore.c: placeholder */
#include "hvt.h"
