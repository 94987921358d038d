"""How good is a generative model? The numbers the site reports.

- modes: on 2-D toy mixtures, modes captured, high-quality share and
  reverse KL (the PacGAN protocol);
- frechet: the Fréchet distance between generated and real images in the
  features of an independent classifier (the idea of FID).
"""
