"""Code samples of the seeds, copied verbatim but for the import line.

The seed tests run them and compare what they print with what the seeds say;
``demo.py`` shows and runs the same text, so the two can never drift apart.
"""

# Seed 003, §"Dynamic control flow": Python's `if`, `and` and `range` on tensor values.
FIZZBUZZ = """\
import stage1_tensors as tf

def fizzbuzz(max_num):
  counter = tf.constant(0)
  for num in range(max_num):
    num = tf.constant(num)
    if num % 3 == 0 and num % 5 == 0:
      print('FizzBuzz')
    elif num % 3 == 0:
      print('Fizz')
    elif num % 5 == 0:
      print('Buzz')
    else:
      print(num)
    counter += 1
  return counter
"""
