# Objects of ui/, one per line.
obj-y += ui/console.o
obj-y += ui/input.o
obj-y += ui/screendump.o
obj-y += ui/vnc.o
obj-y += ui/sdl.o
obj-y += ui/vc.o
