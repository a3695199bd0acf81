# tenders/common/: host code about unikernel files, shared by the tender
# and the tools. The ELF note reader and the manifest check live here, in
# the tender's tree, because the tender is the code that must trust them
# least and is compiled with include/ and its own folders only; the tools
# (imagegen/) link these objects, never the other way round.

UKREAD_SRCS := tenders/common/elf_notes.c tenders/common/mft_check.c
UKREAD_OBJS := $(patsubst %.c,$(OBJ)/host/%.o,$(UKREAD_SRCS))
$(UKREAD_OBJS): HOST_CFLAGS += -Itenders/common

# What the two tenders share beyond the unikernel file: setup errors, the
# command line, the manifest checks (tender.c), and the block and network
# devices' options and host side (dev_block.c, dev_net.c). Each tender
# compiles them with its own flags; they need UKREAD_OBJS (mft_check()).
TENDER_COMMON_SRCS := tenders/common/tender.c tenders/common/dev_block.c \
	tenders/common/dev_net.c
