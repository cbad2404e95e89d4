"""Second-order methods: Newton, L-BFGS, the condition number and the Hessian's cost. Its page: ``pages/lessons/second_order.py``."""
