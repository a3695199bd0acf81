# imagegen/elftool.mk: solo5-elftool, and the note reader other tools share.

# The ELF note reader; the image generator links these too, with -lelf.
ELFNOTE_OBJS := $(OBJ)/host/imagegen/elfnote.o $(OBJ)/host/imagegen/mft_check.o
