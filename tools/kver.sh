#!/bin/sh
# Print the 6.12 kernel release whose image and headers are both installed
# (the newest one): the module is built against exactly the kernel it boots.
for d in $(ls -d /usr/src/linux-headers-6.12*-amd64 2>/dev/null | sort -V -r); do
	k=${d#/usr/src/linux-headers-}
	[ -r "/boot/vmlinuz-$k" ] && { echo "$k"; exit 0; }
done
echo "Error: no installed 6.12 kernel with headers (run make deps)" >&2
exit 1
