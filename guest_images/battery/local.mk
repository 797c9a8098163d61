# guest_images/battery
