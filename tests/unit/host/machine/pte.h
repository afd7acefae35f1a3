/* Host tests exercise the portable page-table walker with the real x86_64
 * entry format. */
#include "../../../../arch/x86_64/include/machine/pte.h"
